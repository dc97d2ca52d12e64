package io.kvmportal.bench;

import io.kvmportal.web.PortalClient;
import io.kvmportal.web.console.RawWebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: the console relay against Debian's websockify, in one run, both relaying the same TCP
 * source ({@link BenchSource}) to the same minimal WebSocket client, and the direct TCP path as the floor:
 * throughput of a 256 MiB stream, round-trip latency of 16-byte messages (median, p99), and the portal's memory
 * per open console. The portal ({@link BenchPortal}) and websockify each run in a process of their own; the
 * portal's console WebSocket is the real one, with its screen replaced by the TCP source. Needs {@code websockify}
 * ({@code apt-get install websockify}). From the repository root:
 * <pre>
 * mvn -q -o -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * cd ui && java -cp target/test-classes:target/classes:$(cat target/classpath.txt) io.kvmportal.bench.ConsoleProxyBenchmark
 * </pre>
 * Arguments (optional): stream MiB (256), round trips (5000), rounds (3), consoles for the memory figure (100).
 */
public final class ConsoleProxyBenchmark {
    private static final int MESSAGE = 16;

    private ConsoleProxyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long streamBytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int consoles = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        try (BenchSource source = new BenchSource(); Portal portal = new Portal(source.port());
             Websockify websockify = new Websockify(source.port())) {
            List<Route> routes = List.of(new Direct(source.port()), new WebSocketRoute("websockify", websockify.port,
                    () -> "/", new String[0]), portal.path());
            for (Route route : routes) {
                throughput(route, 64L << 20);
                latencies(route, 500);
            }
            List<List<Double>> mibPerSecond = new ArrayList<>();
            List<double[]> latency = new ArrayList<>();
            for (Route route : routes) {
                mibPerSecond.add(new ArrayList<>());
                latency.add(null);
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < routes.size(); i++) {
                    mibPerSecond.get(i).add(throughput(routes.get(i), streamBytes));
                }
            }
            for (int i = 0; i < routes.size(); i++) {
                latency.set(i, latencies(routes.get(i), roundTrips));
            }
            report(routes, mibPerSecond, latency, streamBytes, rounds, roundTrips);
            portal.memoryPerConsole(consoles);
        }
    }

    private static void report(List<Route> routes, List<List<Double>> mibPerSecond, List<double[]> latency,
                               long streamBytes, int rounds, int roundTrips) {
        System.out.printf(Locale.ROOT, "%nThroughput, %d MiB streamed, median of %d rounds (all rounds):%n",
                streamBytes >> 20, rounds);
        for (int i = 0; i < routes.size(); i++) {
            System.out.printf(Locale.ROOT, "  %-12s %8.1f MiB/s  %s%n", routes.get(i).name(),
                    median(mibPerSecond.get(i)), mibPerSecond.get(i).stream().map(v -> String.format(Locale.ROOT,
                            "%.0f", v)).toList());
        }
        System.out.printf(Locale.ROOT, "%nRound trip of %d-byte messages, %d each:%n", MESSAGE, roundTrips);
        double directMedian = latency.get(0)[roundTrips / 2];
        double directP99 = latency.get(0)[(int) (roundTrips * 0.99)];
        for (int i = 0; i < routes.size(); i++) {
            double[] sorted = latency.get(i);
            System.out.printf(Locale.ROOT, "  %-12s median %7.1f us  p99 %7.1f us  added: median %7.1f us  p99 %7.1f us%n",
                    routes.get(i).name(), sorted[roundTrips / 2] / 1e3, sorted[(int) (roundTrips * 0.99)] / 1e3,
                    (sorted[roundTrips / 2] - directMedian) / 1e3, (sorted[(int) (roundTrips * 0.99)] - directP99) / 1e3);
        }
        double proxyThroughput = median(mibPerSecond.get(2));
        double websockifyThroughput = median(mibPerSecond.get(1));
        System.out.printf(Locale.ROOT, "%nportal / websockify throughput: %.2fx (goal >= 2x)%n",
                proxyThroughput / websockifyThroughput);
        System.out.printf(Locale.ROOT, "portal / websockify added median latency: %.2f (goal <= 0.5)%n",
                (latency.get(2)[roundTrips / 2] - directMedian) / (latency.get(1)[roundTrips / 2] - directMedian));
        System.out.printf(Locale.ROOT, "portal / websockify added p99 latency: %.2f%n",
                (latency.get(2)[(int) (roundTrips * 0.99)] - directP99)
                        / (latency.get(1)[(int) (roundTrips * 0.99)] - directP99));
    }

    /** MiB/s of one stream of {@code bytes} from the source through {@code path}, command to last byte. */
    private static double throughput(Route route, long bytes) throws Exception {
        try (Connection connection = route.connect()) {
            long start = System.nanoTime();
            connection.send(ByteBuffer.allocate(9).put(BenchSource.STREAM).putLong(bytes).array());
            connection.drain(bytes);
            return bytes / 1048576.0 / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Sorted round-trip times in nanoseconds of {@code count} messages, after 200 unmeasured ones. */
    private static double[] latencies(Route route, int count) throws Exception {
        try (Connection connection = route.connect()) {
            connection.send(new byte[] {BenchSource.ECHO});
            byte[] message = new byte[MESSAGE];
            double[] times = new double[count];
            for (int i = -200; i < count; i++) {
                long start = System.nanoTime();
                connection.send(message);
                connection.drain(MESSAGE);
                if (i >= 0) {
                    times[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(times);
            return times;
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** One way from the client to the source. */
    interface Route {
        String name();

        Connection connect() throws Exception;
    }

    interface Connection extends AutoCloseable {
        void send(byte[] data) throws IOException;

        void drain(long bytes) throws IOException;

        @Override
        void close() throws IOException;
    }

    private record Direct(int port) implements Route {
        @Override
        public String name() {
            return "direct TCP";
        }

        @Override
        public Connection connect() throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] scratch = new byte[256 * 1024];
            return new Connection() {
                @Override
                public void send(byte[] data) throws IOException {
                    out.write(data);
                }

                @Override
                public void drain(long bytes) throws IOException {
                    for (long seen = 0; seen < bytes; ) {
                        int n = in.read(scratch);
                        if (n < 0) {
                            throw new IOException("closed after " + seen + " of " + bytes);
                        }
                        seen += n;
                    }
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
        }
    }

    /** Where a WebSocket path's next connection goes (the portal needs a fresh console token each time). */
    interface Target {
        String next() throws IOException;
    }

    record WebSocketRoute(String name, int port, Target target, String[] headers) implements Route {
        @Override
        public Connection connect() throws IOException {
            RawWebSocket socket = RawWebSocket.open(port, target.next(), 0, headers);
            byte[] scratch = new byte[1 << 20];
            return new Connection() {
                @Override
                public void send(byte[] data) throws IOException {
                    socket.send(data);
                }

                @Override
                public void drain(long bytes) throws IOException {
                    if (!socket.drain(bytes, scratch)) {
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

    /** Debian's websockify, relaying its own port to the source. */
    private static final class Websockify implements AutoCloseable {
        private final Process process;
        private final int port;

        Websockify(int sourcePort) throws Exception {
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            process = new ProcessBuilder("websockify", "127.0.0.1:" + port, "127.0.0.1:" + sourcePort)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IllegalStateException("websockify did not listen on " + port);
                    }
                    Thread.sleep(100);
                }
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The portal in a child JVM with the same class path; lines starting "BENCH " are its answers. */
    private static final class Portal implements AutoCloseable {
        private static final Pattern READY = Pattern.compile("BENCH ready (\\d+) (\\d+)");
        private final Process process;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final PrintStream commands;
        private final int port;
        private final long guest;
        private final PortalClient client;
        private final String bearer;

        Portal(int sourcePort) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    BenchPortal.class.getName(), Integer.toString(sourcePort)).redirectErrorStream(true).start();
            commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(this::readAnswers, "bench-portal-output");
            reader.setDaemon(true);
            reader.start();
            Matcher ready = READY.matcher(answer(120));
            if (!ready.matches()) {
                throw new IllegalStateException("portal said: " + ready);
            }
            port = Integer.parseInt(ready.group(1));
            guest = Long.parseLong(ready.group(2));
            client = new PortalClient(port);
            String issued = client.send("POST", "/api/v1/auth/token", "{\"login\":\"" + BenchPortal.LOGIN
                    + "\",\"password\":\"" + BenchPortal.PASSWORD + "\"}").body();
            bearer = "Bearer " + issued.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        }

        Route path() {
            return new WebSocketRoute("portal", port, this::ticketPath, new String[] {"Authorization", bearer});
        }

        private String ticketPath() {
            String ticket = client.send("POST", "/api/v1/guests/" + guest + "/console", null,
                    "Authorization", bearer).body();
            return ticket.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
        }

        /** Heap, direct buffers, threads and RSS of the portal with {@code count} consoles open, less before. */
        void memoryPerConsole(int count) throws Exception {
            long[] before = memory();
            List<RawWebSocket> open = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    open.add(RawWebSocket.open(port, ticketPath(), 0, "Authorization", bearer));
                }
                Thread.sleep(1000);
                long[] after = memory();
                System.out.printf(Locale.ROOT, "%nPortal memory per open console (%d open, after full GC):%n"
                                + "  heap %.1f KiB, direct buffers %.1f KiB, threads %.2f, RSS %.1f KiB%n", count,
                        (after[0] - before[0]) / 1024.0 / count, (after[1] - before[1]) / 1024.0 / count,
                        (after[2] - before[2]) / (double) count, (after[3] - before[3]) / 1024.0 / count);
            } finally {
                for (RawWebSocket socket : open) {
                    socket.close();
                }
            }
        }

        private long[] memory() throws Exception {
            commands.println("memory");
            String[] figures = answer(60).split(" ");
            return new long[] {Long.parseLong(figures[2]), Long.parseLong(figures[3]), Long.parseLong(figures[4]),
                    Long.parseLong(figures[5])};
        }

        private String answer(int seconds) throws InterruptedException {
            String line = answers.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("the bench portal did not answer within " + seconds + " s");
            }
            return line;
        }

        private void readAnswers() {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("BENCH ")) {
                        answers.add(line);
                    }
                }
            } catch (IOException ended) {
                // the portal stopped
            }
        }

        @Override
        public void close() throws Exception {
            commands.println("quit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
