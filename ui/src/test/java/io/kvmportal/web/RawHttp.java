package io.kvmportal.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 by hand on a socket to 127.0.0.1, for bodies no client library would send as asked: a body is written
 * by one thread while the answer is read by another, so a server that answers early (and closes) is seen doing so.
 */
final class RawHttp {
    private static final byte[] ZEROS = new byte[64 << 10];
    private static final byte[] LETTERS = "a".repeat(64 << 10).getBytes(StandardCharsets.US_ASCII);
    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /** What came back: the status (-1 if none), the answer's body, whether the server closed, what was sent. */
    record Answer(int status, String body, boolean closed, long bodyBytesSent) {
    }

    /** How the body goes: a fixed length of zeros, chunks of zeros, given bytes, or nothing (only promised). */
    interface Body {
        void write(OutputStream out, AtomicLong sent) throws IOException;
    }

    static Body zeros(long bytes) {
        return (out, sent) -> {
            for (long left = bytes; left > 0; left -= ZEROS.length) {
                int n = (int) Math.min(left, ZEROS.length);
                out.write(ZEROS, 0, n);
                sent.addAndGet(n);
            }
            out.flush();
        };
    }

    /**
     * {@code bytes} of well-formed JSON, one long string: {"login":"aaa...aaa"}. A JSON decoder must hold the whole
     * string, so this is the body that costs a server that reads before it counts.
     */
    static Body jsonString(long bytes) {
        byte[] open = "{\"login\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] close = "\"}".getBytes(StandardCharsets.US_ASCII);
        return (out, sent) -> {
            out.write(open);
            for (long left = bytes - open.length - close.length; left > 0; left -= LETTERS.length) {
                int n = (int) Math.min(left, LETTERS.length);
                out.write(LETTERS, 0, n);
                sent.addAndGet(n);
            }
            out.write(close);
            out.flush();
            sent.addAndGet(open.length + close.length);
        };
    }

    static Body chunkedZeros(long bytes) {
        return (out, sent) -> {
            for (long left = bytes; left > 0; left -= ZEROS.length) {
                int n = (int) Math.min(left, ZEROS.length);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(ZEROS, 0, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                sent.addAndGet(n);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    static Body chunked(byte[] bytes) {
        return (out, sent) -> {
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sent.addAndGet(bytes.length);
        };
    }

    static Body withheld() {
        return (out, sent) -> { };
    }

    /**
     * Sends {@code method path} with {@code headers} (each "Name: value"), then the body on its own thread, and reads
     * the answer meanwhile; then waits up to 10 s for the server to close the connection.
     */
    Answer exchange(String method, String path, Body body, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicLong sent = new AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    body.write(out, sent);
                } catch (IOException refused) {
                    // The server answered and closed: what was sent is counted.
                }
            }, "raw-http-body");
            writer.start();
            InputStream in = socket.getInputStream();
            String[] answer = readAnswer(in);
            boolean closed = answer.length > 0 && closes(socket, in);
            socket.shutdownOutput();
            joinQuietly(writer);
            return answer.length == 0 ? new Answer(-1, "", true, sent.get())
                    : new Answer(Integer.parseInt(answer[0].substring(9, 12)), answer[1], closed, sent.get());
        }
    }

    /** Status line and body, or nothing if the connection ended first. */
    private static String[] readAnswer(InputStream in) throws IOException {
        try {
            String headers = readHead(in);
            if (headers.isEmpty()) {
                return new String[0];
            }
            return new String[] {headers, new String(readContent(in, headers), StandardCharsets.UTF_8)};
        } catch (java.net.SocketException reset) {
            return new String[0];
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return "";
    }

    /** By Content-Length, by chunks, or up to the end of the connection. */
    private static byte[] readContent(InputStream in, String headers) throws IOException {
        String lower = headers.toLowerCase(java.util.Locale.ROOT);
        int length = lower.indexOf("\r\ncontent-length:");
        if (length >= 0) {
            return in.readNBytes(Integer.parseInt(lower.substring(length + 17, lower.indexOf('\r', length + 2))
                    .strip()));
        }
        if (!lower.contains("\r\ntransfer-encoding: chunked")) {
            return in.readAllBytes();
        }
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            content.write(in.readNBytes(size));
            in.readNBytes(2);
        }
        return content.toByteArray();
    }

    private static int chunkSize(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        String hex = line.toString().strip();
        return hex.isEmpty() ? 0 : Integer.parseInt(hex, 16);
    }

    /** True if the server ends the connection within 10 s (end of stream or reset); false if it keeps it open. */
    private static boolean closes(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            while (in.read() >= 0) {
                // Nothing more is expected; whatever comes is skipped until the end.
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
