package io.kvmportal.bench;

import io.kvmportal.web.console.KernelDiscard;
import io.kvmportal.web.console.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** One way from the benchmark's client to its byte source: straight over TCP, or through a WebSocket relay. */
interface Route {
    String name();

    Connection connect() throws IOException;

    /** The relaying process, whose CPU time the benchmark reads; empty for the direct path. */
    OptionalLong relayPid();

    /** A connection as the benchmark uses it: send bytes, and wait for a number of bytes to come back. */
    interface Connection extends AutoCloseable {
        void send(byte[] data) throws IOException;

        void drain(long bytes) throws IOException;

        /** As {@link #drain}, but the bytes are dropped in the kernel, never copied to this client. */
        void dropInKernel(long bytes) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Where a WebSocket route's next connection goes (the portal needs a fresh console ticket each time). */
    interface Target {
        String next() throws IOException;
    }

    /**
     * CPU time of a relay process in ticks (user + system): the whole process (ended threads included) less its
     * JIT compiler threads (a one-time cost the warm-up pays), plus its children, reaped or live (websockify
     * forks one per connection).
     */
    static long cpuTicks(long pid) throws IOException {
        Path process = Path.of("/proc", Long.toString(pid));
        String[] total = stat(process);
        long ticks = Long.parseLong(total[12]) + Long.parseLong(total[13]) + Long.parseLong(total[14])
                + Long.parseLong(total[15]);
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(process.resolve("task"))) {
            for (Path thread : threads) {
                try {
                    String[] stat = stat(thread);
                    if (stat[0].startsWith("(C1 Compiler") || stat[0].startsWith("(C2 Compiler")) {
                        ticks -= Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
                    }
                    for (String child : Files.readString(thread.resolve("children")).split(" ")) {
                        if (!child.isBlank()) {
                            ticks += cpuTicks(Long.parseLong(child.strip()));
                        }
                    }
                } catch (NoSuchFileException ended) {
                    // a thread or child that ended meanwhile is in the totals already
                }
            }
        }
        return ticks;
    }

    /** CPU time of a process in ticks, all its threads (JIT compiler threads too), without its children. */
    static long processTicks(long pid) throws IOException {
        String[] stat = stat(Path.of("/proc", Long.toString(pid)));
        return Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
    }

    /** stat(5) from field 2 (comm, in parentheses) on: utime is [12], stime [13], cutime [14], cstime [15]. */
    private static String[] stat(Path dir) throws IOException {
        String stat = Files.readString(dir.resolve("stat"));
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        String[] fields = new String[rest.length + 1];
        fields[0] = stat.substring(open, close + 1);
        System.arraycopy(rest, 0, fields, 1, rest.length);
        return fields;
    }

    /** Plain TCP to {@code port}: the source itself, or a plain relay in front of it. */
    record Direct(String name, int port, OptionalLong relayPid) implements Route {

        @Override
        public Connection connect() throws IOException {
            SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer scratch = ByteBuffer.allocateDirect(1 << 20);
            return new Connection() {
                @Override
                public void send(byte[] data) throws IOException {
                    ByteBuffer out = ByteBuffer.wrap(data);
                    while (out.hasRemaining()) {
                        socket.write(out);
                    }
                }

                @Override
                public void drain(long bytes) throws IOException {
                    for (long seen = 0; seen < bytes; ) {
                        int n = socket.read(scratch.clear().limit((int) Math.min(scratch.capacity(), bytes - seen)));
                        if (n < 0) {
                            throw new IOException("closed after " + seen + " of " + bytes);
                        }
                        seen += n;
                    }
                }

                @Override
                public void dropInKernel(long bytes) throws IOException {
                    for (long seen = 0; seen < bytes; ) {
                        seen += KernelDiscard.discard(socket, bytes - seen);
                    }
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
        }
    }

    record WebSocket(String name, int port, Target target, long pid, String... headers) implements Route {
        @Override
        public OptionalLong relayPid() {
            return OptionalLong.of(pid);
        }

        @Override
        public Connection connect() throws IOException {
            RawWebSocket socket = RawWebSocket.open(port, target.next(), 0, headers);
            return new Connection() {
                @Override
                public void send(byte[] data) throws IOException {
                    socket.send(data);
                }

                @Override
                public void drain(long bytes) throws IOException {
                    if (!socket.drain(bytes)) {
                        throw new IOException(name + " closed early");
                    }
                }

                @Override
                public void dropInKernel(long bytes) throws IOException {
                    if (!socket.drainInKernel(bytes)) {
                        throw new IOException(name + " closed early");
                    }
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
        }
    }
}
