package io.kvmportal.console;

import io.kvmportal.agent.HostAgent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread behind {@link ScreenSocket}: accepts connections and reads each one's ticket on a selector, so a
 * connection that sends nothing holds up no other. It reads exactly a ticket's bytes (a buffer of that size), never
 * the RFB that follows; then the connection leaves the selector, goes back to blocking mode, and is handed on with
 * its ticket in hex.
 */
final class ScreenArrivals implements AutoCloseable {
    /** How long a new connection may take to send its ticket: the agent writes it right after connecting. */
    static final Duration TICKET_WAIT = Duration.ofSeconds(2);
    /** Connections still owing their ticket; more at once are closed as they come (only root and the portal can). */
    static final int MAX_WAITING = 64;
    private static final Logger LOG = LoggerFactory.getLogger(ScreenArrivals.class);
    private final ServerSocketChannel server;
    private final Selector selector;
    private final BiConsumer<String, SocketChannel> arrived;
    private final Thread thread;
    private volatile boolean open = true;

    /** What a connection has sent of its ticket, and until when it may send the rest. */
    private record Owing(ByteBuffer ticket, long deadline) {
    }

    ScreenArrivals(ServerSocketChannel server, BiConsumer<String, SocketChannel> arrived) throws IOException {
        this.server = server;
        this.arrived = arrived;
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "screen-arrivals");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(TICKET_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.keys().forEach(key -> closeQuietly(key.channel()));
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.debug("closing the screen socket's selector: {}", e.getMessage());
        }
        closeQuietly(server);
    }

    private void run() {
        while (open) {
            try {
                selector.select(Math.max(1, TICKET_WAIT.toMillis() / 4));
                List<SelectionKey> ticketed = new ArrayList<>();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isValid() && key.isReadable() && read(key)) {
                        ticketed.add(key);
                    }
                }
                selector.selectedKeys().clear();
                expire();
                handOn(ticketed);
            } catch (IOException | RuntimeException e) {
                if (open) {
                    LOG.warn("The screen socket's thread carries on after: {}", e.toString());
                }
            }
        }
    }

    private void acceptAll() throws IOException {
        for (SocketChannel connection = server.accept(); connection != null; connection = server.accept()) {
            if (selector.keys().size() > MAX_WAITING) {
                LOG.warn("Closed a connection to the screen socket: {} already owe their ticket", MAX_WAITING);
                closeQuietly(connection);
                continue;
            }
            connection.configureBlocking(false);
            long deadline = System.nanoTime() + TICKET_WAIT.toNanos();
            connection.register(selector, SelectionKey.OP_READ,
                    new Owing(ByteBuffer.allocate(HostAgent.SCREEN_TICKET_BYTES), deadline));
        }
    }

    /** True once the whole ticket is in; a connection that ends first is closed. */
    private boolean read(SelectionKey key) {
        Owing owing = (Owing) key.attachment();
        try {
            if (((SocketChannel) key.channel()).read(owing.ticket()) < 0) {
                drop(key);
                return false;
            }
            if (owing.ticket().hasRemaining()) {
                return false;
            }
            key.cancel();
            return true;
        } catch (IOException e) {
            drop(key);
            return false;
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Owing owing && key.isValid() && now - owing.deadline() > 0) {
                LOG.warn("Closed a connection to the screen socket that sent no ticket within {} ms",
                        TICKET_WAIT.toMillis());
                drop(key);
            }
        }
    }

    /** A channel may go back to blocking only once its cancelled key has left the selector (the next select). */
    private void handOn(List<SelectionKey> ticketed) throws IOException {
        if (ticketed.isEmpty()) {
            return;
        }
        selector.selectNow();
        selector.selectedKeys().clear();
        for (SelectionKey key : ticketed) {
            SocketChannel connection = (SocketChannel) key.channel();
            try {
                connection.configureBlocking(true);
            } catch (IOException e) {
                closeQuietly(connection);
                continue;
            }
            arrived.accept(HexFormat.of().formatHex(((Owing) key.attachment()).ticket().array()), connection);
        }
    }

    private static void drop(SelectionKey key) {
        key.cancel();
        closeQuietly(key.channel());
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }
}
