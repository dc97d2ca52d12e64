package io.kvmportal.web.console;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's selector for guests' VNC sockets: the portal connects to a screen itself (after checking who serves
 * it), then hands the connected unix socket here, so both sides of a console are read and written by selector
 * threads and no console needs a thread of its own. A bean of the Jetty server, started and stopped with it.
 */
public final class ScreenSelector extends SelectorManager {
    private final Set<ConsoleRelay> live = ConcurrentHashMap.newKeySet();

    public ScreenSelector(Executor executor, Scheduler scheduler) {
        // One selector: a console's traffic is bounded by a person at a screen, not by this thread.
        super(executor, scheduler, 1);
    }

    /** Registers a console's connected screen socket; the relay gets its side once the selector has it. */
    void register(ConsoleRelay relay) throws IOException {
        SocketChannel channel = relay.screenChannel();
        channel.configureBlocking(false);
        live.add(relay);
        accept(channel, relay);
    }

    @Override
    public void connectionClosed(Connection connection, Throwable cause) {
        super.connectionClosed(connection, cause);
        live.remove(((ConsoleRelay.ScreenConnection) connection).relay());
    }

    /**
     * Ends every console with 1001 "The portal is stopping.": called when the server starts stopping, before its
     * connectors close the browsers' connections, and again (finding none) when this selector stops.
     */
    public void endAll() {
        for (ConsoleRelay relay : live) {
            relay.end(ConsoleRelay.GOING_AWAY, "The portal is stopping.");
        }
    }

    @Override
    protected void doStop() throws Exception {
        endAll();
        super.doStop();
    }

    @Override
    protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new SocketChannelEndPoint((SocketChannel) channel, selector, key,
                getScheduler());
        // A still picture sends nothing for as long as it likes; the browser's side has the idle timeout.
        endPoint.setIdleTimeout(0);
        return endPoint;
    }

    @Override
    protected void onAcceptFailed(SelectableChannel channel, Throwable cause, Object relay) {
        super.onAcceptFailed(channel, cause, relay);
        live.remove(relay);
        ((ConsoleRelay) relay).end(ConsoleRelay.UNEXPECTED, "The portal could not watch the guest's screen.");
    }

    @Override
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object relay) {
        return ((ConsoleRelay) relay).screenRegistered(endPoint);
    }
}
