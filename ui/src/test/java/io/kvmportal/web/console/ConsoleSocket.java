package io.kvmportal.web.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A console WebSocket as a browser uses it (java.net.http): the bytes it receives as one ordered stream, however
 * the relay cut them into messages, and how and when it was closed.
 */
public final class ConsoleSocket implements WebSocket.Listener, AutoCloseable {
    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private WebSocket socket;
    private byte[] current = new byte[0];
    private int offset;

    /** How the server closed it; {@code atNanos} is when the close arrived here. */
    public record Closed(int code, String reason, long atNanos) {
    }

    private ConsoleSocket() {
    }

    /** Connects with the given request headers (Origin, Cookie, Authorization, ...). */
    public static ConsoleSocket open(int port, String path, String... headers) {
        ConsoleSocket console = new ConsoleSocket();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10)).subprotocols("binary");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        console.socket = builder.buildAsync(URI.create("ws://localhost:" + port + path), console).join();
        return console;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Exactly {@code n} bytes, waiting at most {@code timeout} for each message. */
    public byte[] read(int n, Duration timeout) throws InterruptedException {
        byte[] out = new byte[n];
        int filled = 0;
        while (filled < n) {
            if (offset == current.length) {
                byte[] next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new AssertionError("only " + filled + " of " + n + " bytes within " + timeout
                            + (closed.isDone() ? "; closed: " + closed.join() : ""));
                }
                current = next;
                offset = 0;
            }
            int take = Math.min(n - filled, current.length - offset);
            System.arraycopy(current, offset, out, filled, take);
            offset += take;
            filled += take;
        }
        return out;
    }

    public Closed awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.add(bytes);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        closed.complete(new Closed(-1, "unexpected text: " + data, System.nanoTime()));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason, System.nanoTime()));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error), System.nanoTime()));
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        } catch (CompletionException closedFirst) {
            // The server closed it already.
        }
        socket.abort();
    }
}
