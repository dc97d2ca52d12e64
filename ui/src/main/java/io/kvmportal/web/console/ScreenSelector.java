package io.kvmportal.web.console;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's selector for guests' VNC sockets: the portal connects to a screen itself (after checking who serves
 * it), then hands the connected unix socket here, so both sides of a console are read and written by selector
 * threads and no console needs a thread of its own. A bean of the Jetty server, started and stopped with it.
 */
public final class ScreenSelector extends SelectorManager {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenSelector.class);
    private final boolean zeroCopyWanted;
    private final boolean zeroCopy;
    /** The consoles that may still owe their browser a close frame; finished ones go at the next registration. */
    private final Set<ConsoleRelay> consoles = ConcurrentHashMap.newKeySet();

    /** {@code zeroCopy}: whether consoles may relay busy screens through {@link ScreenSplice}, where this JVM can. */
    public ScreenSelector(Executor executor, Scheduler scheduler, boolean zeroCopy) {
        // One selector: a console's traffic is bounded by a person at a screen, not by this thread.
        super(executor, scheduler, 1);
        this.zeroCopyWanted = zeroCopy;
        this.zeroCopy = zeroCopy && ScreenSplice.support().available();
    }

    /**
     * Waits, up to {@code limit}, until every console has sent its close frame or lost its browser. The portal's
     * stop ends every console first, and a console's writer may be busy on a selector thread at that moment: the
     * frame then goes out a moment later, and the connectors must not close the sockets before it has.
     */
    public void awaitConsolesFinished(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            consoles.removeIf(ConsoleRelay::finished);
            while (!consoles.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                consoles.removeIf(ConsoleRelay::finished);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!consoles.isEmpty()) {
            LOG.warn("{} console(s) had not sent their close frame when the portal stopped", consoles.size());
        }
    }

    /** Whether consoles relay busy screens zero-copy: wanted, and this JVM can. */
    boolean zeroCopy() {
        return zeroCopy;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!zeroCopyWanted) {
            LOG.info("Consoles copy guests' screens (portal.console.zero-copy is off)");
        } else if (zeroCopy()) {
            LOG.info("Consoles relay busy guest screens zero-copy (splice), except over TLS");
        } else {
            LOG.warn("Consoles copy guests' screens, slower than zero-copy: {}", ScreenSplice.support().why());
        }
    }

    /** Registers a console's connected screen socket; the relay gets its side once the selector has it. */
    void register(ConsoleRelay relay) throws IOException {
        consoles.removeIf(ConsoleRelay::finished);
        consoles.add(relay);
        SocketChannel channel = relay.screenChannel();
        channel.configureBlocking(false);
        accept(channel, relay);
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
        ((ConsoleRelay) relay).end(ConsoleRelay.UNEXPECTED, "The portal could not watch the guest's screen.");
    }

    @Override
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object relay) {
        return ((ConsoleRelay) relay).screenRegistered(endPoint);
    }
}
