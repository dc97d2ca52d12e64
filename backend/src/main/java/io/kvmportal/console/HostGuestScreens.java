package io.kvmportal.console;

import io.kvmportal.agent.HostAgent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running guest's screen, handed over by the host agent: the portal listens on its screen socket (in a directory
 * only its own account may enter), asks the agent to hand the guest's screen over with a fresh random ticket, and
 * takes the connection that arrives with that ticket. The agent gives the other end of it to the guest's QEMU as a
 * VNC client, so screen bytes flow between QEMU and the portal and none pass through the agent.
 */
@Singleton
class HostGuestScreens implements GuestScreens {
    static final int TICKET_BYTES = 32;
    private static final Duration ARRIVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(HostGuestScreens.class);
    private final HostAgent agent;
    private final Path socket;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, CompletableFuture<SocketChannel>> waiting = new ConcurrentHashMap<>();
    private ServerSocketChannel listener;

    HostGuestScreens(HostAgent agent, ConsoleConfiguration configuration) {
        this.agent = agent;
        this.socket = Path.of(configuration.getScreenSocket()).toAbsolutePath().normalize();
    }

    @Override
    public SocketChannel connect(UUID guest, String ownerLogin) {
        listening();
        byte[] ticket = new byte[TICKET_BYTES];
        random.nextBytes(ticket);
        String key = HexFormat.of().formatHex(ticket);
        CompletableFuture<SocketChannel> arrival = new CompletableFuture<>();
        waiting.put(key, arrival);
        try {
            agent.handScreen(guest, ownerLogin, ticket);
            return arrival.get(ARRIVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the host agent handed the screen over, but it did not arrive within "
                    + ARRIVAL.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the screen");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            waiting.remove(key);
        }
    }

    /** Binds the screen socket at the first console, replacing one a stopped portal left. */
    private synchronized void listening() {
        if (listener != null) {
            return;
        }
        try {
            Path dir = socket.getParent();
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
                    && !(Boolean) Files.getAttribute(socket, "unix:isOther", LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(socket + " exists and is not a socket");
            }
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            listener = server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for screens on " + socket, e);
        }
        Thread accepter = new Thread(this::accept, "screen-accept");
        accepter.setDaemon(true);
        accepter.start();
    }

    private void accept() {
        while (listener.isOpen()) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.warn("The screen socket failed: {}", e.getMessage());
                }
                return;
            }
            // A connection that sends less than a ticket must not hold up the next one.
            Thread reader = new Thread(() -> claim(channel), "screen-ticket");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Reads exactly the ticket (what follows is the guest's screen) and gives the connection to its request. */
    private void claim(SocketChannel channel) {
        ByteBuffer ticket = ByteBuffer.allocate(TICKET_BYTES);
        try {
            while (ticket.hasRemaining()) {
                if (channel.read(ticket) < 0) {
                    throw new IOException("closed before its ticket");
                }
            }
        } catch (IOException e) {
            LOG.warn("A screen connection brought no ticket: {}", e.getMessage());
            closeQuietly(channel);
            return;
        }
        CompletableFuture<SocketChannel> request = waiting.remove(HexFormat.of().formatHex(ticket.array()));
        if (request == null || !request.complete(channel)) {
            LOG.warn("A screen arrived with a ticket no console waits for (any more); closed");
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to tell anyone: the connection was unwanted.
        }
    }

    @PreDestroy
    synchronized void close() throws IOException {
        if (listener != null) {
            listener.close();
            Files.deleteIfExists(socket);
        }
    }
}
