package io.kvmportal.web.console;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket channel, as small as RFC 6455 allows: the test decides when (and whether) it
 * reads, so it can stop reading altogether, and payloads are counted in place, never copied, so that the benchmark
 * measures the relay and not its client. Binary frames only.
 */
public final class RawWebSocket implements AutoCloseable {
    private final SocketChannel channel;
    private ByteBuffer in = ByteBuffer.allocate(0);

    private RawWebSocket(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Opens {@code path} on localhost:{@code port} with the given extra headers; {@code receiveBuffer} > 0 sets
     * SO_RCVBUF first (a small window makes a client that does not read felt sooner).
     */
    public static RawWebSocket open(int port, String path, int receiveBuffer, String... headers) throws IOException {
        SocketChannel channel = SocketChannel.open();
        if (receiveBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        RawWebSocket ws = new RawWebSocket(channel);
        ws.handshake(port, path, headers);
        return ws;
    }

    private void handshake(int port, String path, String... headers) throws IOException {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Protocol: binary\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        write(ByteBuffer.wrap(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII)));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) (next() & 0xff));
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /** Sends one masked binary frame (clients must mask). */
    public void send(byte[] payload) throws IOException {
        int length = payload.length;
        ByteBuffer frame = ByteBuffer.allocate(14 + length).put((byte) 0x82);
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        write(frame.flip());
    }

    /** Reads and discards data frames until {@code total} payload bytes have arrived; false if closed first. */
    public boolean drain(long total) throws IOException {
        long seen = 0;
        while (seen < total) {
            int first;
            long length;
            try {
                first = next();
                length = payloadLength(next());
            } catch (EOFException closed) {
                return false;
            }
            int opcode = first & 0x0f;
            skip(length);
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
        int length = second & 0x7f;
        if (length == 126) {
            return ((next() & 0xff) << 8) | (next() & 0xff);
        }
        if (length == 127) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (next() & 0xff);
            }
            return value;
        }
        return length;
    }

    private byte next() throws IOException {
        if (!in.hasRemaining()) {
            fill();
        }
        return in.get();
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            if (!in.hasRemaining()) {
                fill();
            }
            int step = (int) Math.min(left, in.remaining());
            in.position(in.position() + step);
            left -= step;
        }
    }

    private void fill() throws IOException {
        if (in.capacity() == 0) {
            // Allocated on first use: a benchmark holds hundreds of idle ones.
            in = ByteBuffer.allocateDirect(1 << 20);
        }
        in.clear();
        int n = channel.read(in);
        in.flip();
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
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
