package io.kvmportal.agent.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.grpc.proto.HostEvent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's Events stream on the agent: a watch on the agent whose events go out in the order they come, after
 * an opening message with no event that tells the client the watch stands. Ends (the watch closed) when the client
 * cancels or the server stops.
 */
final class EventFeed implements HostEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

    private final ServerCallStreamObserver<HostEvent> stream;
    private final List<HostEvent> early = new ArrayList<>();
    private boolean opened;
    private boolean broken;

    private EventFeed(ServerCallStreamObserver<HostEvent> stream) {
        this.stream = stream;
    }

    static void open(HostAgent agent, ServerCallStreamObserver<HostEvent> stream) {
        EventFeed feed = new EventFeed(stream);
        AutoCloseable watch;
        try {
            watch = agent.watch(feed);
        } catch (RuntimeException e) {
            stream.onError(AgentService.failure(e));
            return;
        }
        stream.setOnCancelHandler(() -> close(watch));
        feed.opening();
    }

    private static void close(AutoCloseable watch) {
        try {
            watch.close();
        } catch (Exception e) {
            LOG.warn("closing an event watch failed", e);
        }
    }

    /** Sends the opening message, then what the agent reported while the watch was being made. */
    private synchronized void opening() {
        opened = true;
        send(HostEvent.getDefaultInstance());
        early.forEach(this::send);
        early.clear();
    }

    @Override
    public synchronized void event(io.kvmportal.agent.HostEvent event) {
        HostEvent message = ProtoValues.toProto(event);
        if (opened) {
            send(message);
        } else {
            early.add(message);
        }
    }

    private void send(HostEvent message) {
        if (broken || stream.isCancelled()) {
            return;
        }
        try {
            stream.onNext(message);
        } catch (RuntimeException e) {
            // The stream went away between the check and the send; its cancel handler closes the watch.
            broken = true;
            LOG.debug("an event stream ended while sending", e);
        }
    }
}
