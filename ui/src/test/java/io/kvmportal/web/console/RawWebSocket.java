package io.kvmportal.web.console;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket channel, as small as RFC 6455 allows: the test decides when (and whether) it
 * reads, so it can stop reading altogether, and payloads are counted in place, never copied, so that the benchmark
 * measures the relay and not its client. It sends binary frames, or for protocol tests any frame at all, and the
 * handshake request may carry frames right behind it.
 */
public final class RawWebSocket implements AutoCloseable {
    private final SocketChannel channel;
    /** A server frame's longest header: no mask, 8 bytes of length. */
    private static final int MAX_HEADER = 10;
    private ByteBuffer in = ByteBuffer.allocate(0);
    /** How long a read may wait, or null for as long as it takes. */
    private Duration readTimeout;

    private RawWebSocket(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens {@code path} on localhost:{@code port} with the given extra headers; {@code receiveBuffer} > 0 sets
     * SO_RCVBUF first (a small window makes a client that does not read felt sooner).
     */
    public static RawWebSocket open(int port, String path, int receiveBuffer, String... headers) throws IOException {
        RawWebSocket ws = connect(port, receiveBuffer);
        String head = ws.exchange(handshake(port, path, headers), new byte[0]);
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("no upgrade: " + head);
        }
        return ws;
    }

    /** A connection to localhost:{@code port} on which nothing was sent yet. */
    public static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
        SocketChannel channel = SocketChannel.open();
        if (receiveBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return new RawWebSocket(channel);
    }

    /** A handshake request for {@code path}, offering "binary", with a random key and the given extra headers. */
    public static String handshake(int port, String path, String... headers) {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Protocol: binary\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /**
     * Sends an HTTP request and {@code after} it in one write, as a client that does not wait for the answer
     * would, and answers the response's status line and headers. What follows them is left to read as frames.
     */
    public String exchange(String request, byte[] after) throws IOException {
        byte[] head = request.getBytes(StandardCharsets.US_ASCII);
        write(ByteBuffer.allocate(head.length + after.length).put(head).put(after).flip());
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith("\r\n\r\n")) {
            response.append((char) (next() & 0xff));
        }
        return response.toString();
    }

    /** Sends one masked binary frame (clients must mask). */
    public void send(byte[] payload) throws IOException {
        write(frame(0x82, true, payload));
    }

    /** Sends any frame: {@code first} is its first byte (FIN, RSV bits, opcode). */
    public void send(int first, boolean masked, byte[] payload) throws IOException {
        write(frame(first, masked, payload));
    }

    /** Sends frames made with {@link #frame}, as they are. */
    public void send(ByteBuffer frames) throws IOException {
        write(frames);
    }

    /** This side's port, by which the server knows the connection. */
    public int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** A frame of {@code payload}, masked with a random key or not, its length in the shortest form. */
    public static ByteBuffer frame(int first, boolean masked, byte[] payload) {
        int length = payload.length;
        int maskBit = masked ? 0x80 : 0;
        ByteBuffer frame = ByteBuffer.allocate(14 + length).put((byte) first);
        if (length < 126) {
            frame.put((byte) (maskBit | length));
        } else if (length < 65536) {
            frame.put((byte) (maskBit | 126)).putShort((short) length);
        } else {
            frame.put((byte) (maskBit | 127)).putLong(length);
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            frame.put(mask);
        }
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }

    /** A frame from the server; for a close frame, its code (1005 if none) and reason. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /**
     * The next frame, waiting at most {@code timeout} for each read; server frames are never masked. Throws
     * {@link EOFException} if the server closed the connection first.
     */
    public Frame readFrame(Duration timeout) throws IOException {
        readTimeout = timeout;
        try {
            int first = next() & 0xff;
            int second = next() & 0xff;
            if ((second & 0x80) != 0) {
                throw new IOException("a server's frame is masked");
            }
            long length = payloadLength((byte) second);
            byte[] payload = new byte[Math.toIntExact(length)];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = next();
            }
            return new Frame((first & 0x80) != 0, first & 0x0f, payload);
        } finally {
            readTimeout = null;
        }
    }

    /** True if the server closes the connection within {@code timeout} without sending more; false if not. */
    public boolean closedWithin(Duration timeout) throws IOException {
        readTimeout = timeout;
        try {
            if (in.hasRemaining()) {
                throw new IOException(in.remaining() + " more bytes came");
            }
            fill(Integer.MAX_VALUE);
            throw new IOException(in.remaining() + " more bytes came");
        } catch (EOFException closed) {
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } finally {
            readTimeout = null;
        }
    }

    /** Reads and discards data frames until {@code total} payload bytes have arrived; false if closed first. */
    public boolean drain(long total) throws IOException {
        return drain(total, false);
    }

    /**
     * As {@link #drain(long)}, but the payloads never leave the kernel ({@link KernelDiscard}): only the frames'
     * headers are read.
     */
    public boolean drainInKernel(long total) throws IOException {
        return drain(total, true);
    }

    private boolean drain(long total, boolean inKernel) throws IOException {
        long seen = 0;
        while (seen < total) {
            int first;
            long length;
            try {
                first = next(inKernel);
                length = payloadLength(next(inKernel), inKernel);
            } catch (EOFException closed) {
                return false;
            }
            int opcode = first & 0x0f;
            skip(length, inKernel);
            if (opcode == 0x8) {
                return false;
            }
            if (opcode == 0x2 || opcode == 0x0) {
                seen += length;
            }
        }
        return true;
    }

    private long payloadLength(byte second) throws IOException {
        return payloadLength(second, false);
    }

    private long payloadLength(byte second, boolean headerOnly) throws IOException {
        int length = second & 0x7f;
        if (length == 126) {
            return ((next(headerOnly) & 0xff) << 8) | (next(headerOnly) & 0xff);
        }
        if (length == 127) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (next(headerOnly) & 0xff);
            }
            return value;
        }
        return length;
    }

    private byte next() throws IOException {
        return next(false);
    }

    /** The next byte; {@code headerOnly} reads no further than a frame's longest header, to leave its payload. */
    private byte next(boolean headerOnly) throws IOException {
        if (!in.hasRemaining()) {
            fill(headerOnly ? MAX_HEADER : Integer.MAX_VALUE);
        }
        return in.get();
    }

    private void skip(long bytes, boolean inKernel) throws IOException {
        long left = bytes;
        while (left > 0) {
            if (!in.hasRemaining()) {
                if (inKernel) {
                    left -= KernelDiscard.discard(channel, left);
                    continue;
                }
                fill(Integer.MAX_VALUE);
            }
            int step = (int) Math.min(left, in.remaining());
            in.position(in.position() + step);
            left -= step;
        }
    }

    private void fill(int most) throws IOException {
        if (in.capacity() == 0) {
            // Allocated on first use: a benchmark holds hundreds of idle ones.
            in = ByteBuffer.allocateDirect(1 << 20);
        }
        in.clear().limit(Math.min(in.capacity(), most));
        int n = readTimeout == null ? channel.read(in) : readWithin(readTimeout);
        in.flip();
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
    }

    /** A socket channel's read ignores SO_TIMEOUT; its socket's stream, which reads the channel, does not. */
    private int readWithin(Duration timeout) throws IOException {
        channel.socket().setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
        byte[] chunk = new byte[Math.min(in.remaining(), 1 << 16)];
        int n = channel.socket().getInputStream().read(chunk);
        if (n > 0) {
            in.put(chunk, 0, n);
        }
        return n;
    }

    private void write(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            channel.write(data);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
