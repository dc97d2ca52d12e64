package io.kvmportal.agent.grpc;

import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that keeps what it hears, in order: events, and "connected"/"lost" for connection changes. */
final class Events implements HostEventListener {
    final BlockingQueue<Object> heard = new LinkedBlockingQueue<>();

    @Override
    public void event(HostEvent event) {
        heard.add(event);
    }

    @Override
    public void connectionChanged(boolean connected) {
        heard.add(connected ? "connected" : "lost");
    }

    Object next() throws InterruptedException {
        Object next = heard.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("nothing heard within 10 s");
        }
        return next;
    }
}
