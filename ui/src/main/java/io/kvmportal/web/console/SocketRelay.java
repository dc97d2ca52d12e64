package io.kvmportal.web.console;

import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import io.kvmportal.console.ViewOnlyRfb;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one WebSocket session and one stream socket (a guest's VNC server) both ways, with back-pressure:
 * <ol>
 *   <li>browser to socket: each part of a binary message is written through to the socket before Jetty reads the
 *       next, so a socket that does not read stops the browser's data at the TCP window;</li>
 *   <li>socket to browser: one thread reads the socket into one of two buffers and sends it asynchronously, and
 *       waits for the previous send to complete before starting the next. At most one send is in flight while
 *       the other buffer fills, so a browser that does not read stops the relay reading the socket, and the VNC
 *       server waits in turn. Memory held: two buffers, whatever the traffic;</li>
 *   <li>either side ending ends both: the socket's end closes the WebSocket with a reason in words, the
 *       WebSocket's end closes the socket; {@link #end} does both from outside, once.</li>
 * </ol>
 */
public final class SocketRelay {
    /** The chunk read from the socket and sent as one binary message. */
    static final int CHUNK = 64 * 1024;
    private static final int MAX_REASON_BYTES = 123;
    private static final Logger LOG = LoggerFactory.getLogger(SocketRelay.class);
    private final Session session;
    // Set once by start(), before the handler and the pump thread that read them exist.
    private volatile SocketChannel socket;
    private volatile Traffic traffic;
    private Runnable onEnd = () -> { };
    private boolean ended;
    /** Set for a view-only console before relaying starts: the viewer's side, with all input taken out. */
    private volatile ViewOnlyRfb viewOnly;

    /** Where the relay counts what it carried. */
    public interface Traffic {
        void toSocket(int bytes);

        void toBrowser(int bytes);
    }

    public SocketRelay(Session session) {
        this.session = session;
    }

    /** Starts relaying; {@code whenEnded} runs once when either side ends. Ends at once if {@link #end} came first. */
    public void start(SocketChannel screen, Traffic counts, Runnable whenEnded, String threadName) {
        synchronized (this) {
            this.socket = screen;
            this.traffic = counts;
            this.onEnd = whenEnded;
            if (ended) {
                closeQuietly(screen);
                whenEnded.run();
                return;
            }
        }
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> toSocket(part));
        Thread pump = new Thread(this::toBrowser, threadName);
        pump.setDaemon(true);
        pump.start();
    }

    /** Relays the browser's side through {@link ViewOnlyRfb}: it sees the screen and cannot touch the guest. */
    public void viewOnly() {
        this.viewOnly = new ViewOnlyRfb();
    }

    /** Ends the relay from outside (guest stopped, access revoked, admin): the page gets the code and words. */
    public void end(int closeCode, String words) {
        finish(closeCode, words);
    }

    /** The browser's side closed (or failed): the socket goes too. */
    public void browserGone() {
        finish(CloseReason.CloseCodes.NORMAL_CLOSURE.getCode(), "");
    }

    private void toSocket(ByteBuffer fromBrowser) {
        ByteBuffer part;
        try {
            part = viewOnly == null ? fromBrowser : viewOnly.filter(fromBrowser);
        } catch (ViewOnlyRfb.RefusedMessage refused) {
            finish(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(), "View only: " + refused.getMessage());
            return;
        }
        int bytes = part.remaining();
        try {
            while (part.hasRemaining()) {
                socket.write(part);
            }
            traffic.toSocket(bytes);
        } catch (IOException e) {
            broken("writing to", e);
        }
    }

    private void toBrowser() {
        ByteBuffer[] buffers = {ByteBuffer.allocateDirect(CHUNK), ByteBuffer.allocateDirect(CHUNK)};
        Future<Void> sending = null;
        try {
            for (int next = 0; ; next ^= 1) {
                ByteBuffer buffer = buffers[next].clear();
                if (socket.read(buffer) < 0) {
                    awaitSent(sending);
                    finish(CloseReason.CloseCodes.NORMAL_CLOSURE.getCode(), "The guest's screen closed the connection.");
                    return;
                }
                buffer.flip();
                // The other buffer is free again only once its send has completed.
                awaitSent(sending);
                int bytes = buffer.remaining();
                sending = session.getAsyncRemote().sendBinary(buffer);
                traffic.toBrowser(bytes);
            }
        } catch (ClosedChannelException endedMeanwhile) {
            finish(CloseReason.CloseCodes.NORMAL_CLOSURE.getCode(), "");
        } catch (IOException | ExecutionException e) {
            broken("relaying", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broken("relaying", e);
        }
    }

    private static void awaitSent(Future<Void> sending) throws InterruptedException, ExecutionException {
        if (sending != null) {
            sending.get();
        }
    }

    private void broken(String doing, Exception e) {
        boolean quiet;
        synchronized (this) {
            quiet = ended;
        }
        if (!quiet) {
            LOG.info("Console relay ended while {} the guest's screen: {}", doing, e.toString());
        }
        finish(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "The connection to the guest's screen broke.");
    }

    private void finish(int closeCode, String words) {
        Runnable whenEnded;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            whenEnded = onEnd;
        }
        if (socket != null) {
            closeQuietly(socket);
        }
        close(session, closeCode, words);
        whenEnded.run();
    }

    /** Closes a WebSocket with a code and words; the words are cut to what a close frame holds. */
    static void close(Session session, int closeCode, String words) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(closeCode), fitReason(words)));
        } catch (IOException e) {
            LOG.debug("Closing a console WebSocket: {}", e.toString());
        }
    }

    static String fitReason(String words) {
        byte[] bytes = words.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return words;
        }
        String cut = words;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            cut = cut.substring(0, cut.offsetByCodePoints(cut.length(), -1));
        }
        return cut + "...";
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a console socket: {}", e.toString());
        }
    }
}
