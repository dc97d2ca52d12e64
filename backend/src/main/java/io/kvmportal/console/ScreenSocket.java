package io.kvmportal.console;

import io.kvmportal.agent.HostAgent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's end of a screen hand-over: the host agent connects a guest's QEMU to the portal here, so no screen byte
 * passes through the agent. How it flows:
 * <ol>
 * <li>{@link #expect} makes a random ticket and keeps it pending; the caller asks the agent to hand the guest's screen
 *     over with it ({@link HostAgent#handScreen}).</li>
 * <li>The agent connects to this socket, writes the ticket, and gives the connection to QEMU, whose RFB follows.</li>
 * <li>One thread ({@link ScreenArrivals}) accepts and reads each connection's ticket without waiting on any one:
 *     exactly the ticket's bytes, never more, as RFB follows. An unknown ticket, or none within
 *     {@link ScreenArrivals#TICKET_WAIT}, and the connection is closed.</li>
 * <li>A known ticket completes its pending request with the connection, blocking, as a guest's VNC socket was.</li>
 * </ol>
 * The socket is bound when the portal starts and, if that failed (no directory yet), again at the next console.
 */
@Singleton
public class ScreenSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenSocket.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private final Path path;
    private final SecureRandom random;
    private final Map<String, CompletableFuture<SocketChannel>> pending = new ConcurrentHashMap<>();
    private ScreenArrivals arrivals; // guarded by this
    private boolean closed; // guarded by this

    public ScreenSocket(ConsoleConfiguration configuration, SecureRandom random) {
        this.path = configuration.getScreenSocket().toAbsolutePath();
        this.random = random;
        try {
            listen();
        } catch (RuntimeException e) {
            LOG.warn("Consoles cannot open until the portal listens at {}: {}", path, e.getMessage());
        }
    }

    /** A new pending hand-over with a fresh ticket; close it when done, whatever happened. */
    public Pending expect() {
        listen();
        byte[] ticket = new byte[HostAgent.SCREEN_TICKET_BYTES];
        random.nextBytes(ticket);
        Pending expected = new Pending(ticket);
        pending.put(expected.key, expected.arrival);
        return expected;
    }

    public Path path() {
        return path;
    }

    /** Stops listening, removes the socket file, and fails every pending hand-over. */
    @PreDestroy
    @Override
    public synchronized void close() {
        closed = true;
        if (arrivals != null) {
            arrivals.close();
            arrivals = null;
            deleteQuietly();
        }
        pending.values().forEach(arrival -> arrival.completeExceptionally(
                new IllegalStateException("the portal is stopping")));
        pending.clear();
    }

    /** A connection that sent {@code ticket}: its pending request takes it, or it is closed. */
    void arrived(String ticket, SocketChannel connection) {
        CompletableFuture<SocketChannel> arrival = pending.remove(ticket);
        if (arrival == null || !arrival.complete(connection)) {
            LOG.warn("Closed a connection to {} with an unknown or expired ticket", path);
            ScreenArrivals.closeQuietly(connection);
        }
    }

    private synchronized void listen() {
        if (closed) {
            throw new IllegalStateException("the portal is stopping");
        }
        if (arrivals != null) {
            return;
        }
        Path directory = path.getParent();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("the directory " + directory + " of the screen socket does not exist"
                    + " (the portal's own, mode 0700; the portal makes nothing outside it)");
        }
        removeStale();
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                server.close();
                throw e;
            }
            arrivals = new ScreenArrivals(server, this::arrived);
            LOG.info("Guests' screens are handed to the portal at {}", path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A socket left by a portal that ended without removing it is removed; anything else at the path (a file, a
     * link, a socket someone still listens on) is left alone and refused.
     */
    private void removeStale() {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK) {
                throw new IllegalStateException(path + " exists and is not a socket; the portal leaves it alone");
            }
            if (answers()) {
                throw new IllegalStateException("another process listens at " + path);
            }
            Files.delete(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove the stale socket " + path + ": " + e.getMessage(), e);
        }
    }

    private boolean answers() {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException refused) {
            return false;
        }
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Cannot remove the screen socket {}: {}", path, e.getMessage());
        }
    }

    /** One console's wait for its screen. */
    public final class Pending implements AutoCloseable {
        private final byte[] ticket;
        private final String key;
        private final CompletableFuture<SocketChannel> arrival = new CompletableFuture<>();
        private boolean taken;

        private Pending(byte[] ticket) {
            this.ticket = ticket;
            this.key = HexFormat.of().formatHex(ticket);
        }

        /** The ticket the agent must write first on its connection. */
        public byte[] ticket() {
            return ticket.clone();
        }

        /** The connection that brought the ticket, or why none came within {@code timeout}. */
        public SocketChannel await(Duration timeout) {
            try {
                SocketChannel screen = arrival.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                taken = true;
                return screen;
            } catch (TimeoutException e) {
                throw new IllegalStateException("the host agent handed no screen over within " + timeout.toMillis()
                        + " ms (is its --screen-socket " + path + "?)");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the screen", e);
            }
        }

        /** Withdraws the ticket; a connection that came but was not taken is closed. */
        @Override
        public void close() {
            pending.remove(key, arrival);
            boolean came = !arrival.completeExceptionally(new IllegalStateException("withdrawn"))
                    && !arrival.isCompletedExceptionally();
            if (came && !taken) {
                ScreenArrivals.closeQuietly(arrival.join());
            }
        }
    }
}
