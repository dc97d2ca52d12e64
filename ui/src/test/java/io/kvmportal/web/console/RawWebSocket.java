package io.kvmportal.web.console;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, as small as RFC 6455 allows: the test decides when (and whether) it reads,
 * so it can stop reading altogether, and it costs the benchmark next to nothing per byte. Binary frames only.
 */
public final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 256 * 1024));
        this.out = socket.getOutputStream();
    }

    /**
     * Opens {@code path} on 127.0.0.1:{@code port} with the given extra headers; {@code receiveBuffer} > 0 sets
     * SO_RCVBUF first (a small window makes a client that does not read felt sooner).
     */
    public static RawWebSocket open(int port, String path, int receiveBuffer, String... headers) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        RawWebSocket ws = new RawWebSocket(socket);
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
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHeaders();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + status);
        }
    }

    private String readHeaders() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** Sends one masked binary frame (clients must mask). */
    public void send(byte[] payload) throws IOException {
        int length = payload.length;
        byte[] header;
        if (length < 126) {
            header = new byte[] {(byte) 0x82, (byte) (0x80 | length)};
        } else if (length < 65536) {
            header = new byte[] {(byte) 0x82, (byte) (0x80 | 126), (byte) (length >>> 8), (byte) length};
        } else {
            header = new byte[10];
            header[0] = (byte) 0x82;
            header[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                header[9 - i] = (byte) ((long) length >>> (8 * i));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[header.length + 4 + length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(mask, 0, frame, header.length, 4);
        for (int i = 0; i < length; i++) {
            frame[header.length + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(frame);
        out.flush();
    }

    /**
     * Reads the next data frame's payload into {@code into} (from {@code offset}) and answers its length; -1 when
     * the server closed. Frames larger than the room left fail the read.
     */
    public int receive(byte[] into, int offset) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return -1;
            }
            long length = payloadLength(in.readUnsignedByte());
            int opcode = first & 0x0f;
            if (opcode == 0x8) {
                in.skipNBytes(length);
                return -1;
            }
            if (length > into.length - offset) {
                throw new IOException("a frame of " + length + " bytes does not fit in " + (into.length - offset));
            }
            in.readFully(into, offset, (int) length);
            if (opcode == 0x2 || opcode == 0x0) {
                return (int) length;
            }
            // pings and pongs carry nothing for us
        }
    }

    /** Reads and discards data frames until {@code total} payload bytes have arrived; false if closed first. */
    public boolean drain(long total, byte[] scratch) throws IOException {
        long seen = 0;
        while (seen < total) {
            int n = receive(scratch, 0);
            if (n < 0) {
                return false;
            }
            seen += n;
        }
        return true;
    }

    private long payloadLength(int second) throws IOException {
        int length = second & 0x7f;
        if (length == 126) {
            return in.readUnsignedShort();
        }
        return length == 127 ? in.readLong() : length;
    }

    public InputStream rawInput() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
