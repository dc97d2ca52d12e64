package io.kvmportal.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: the portal's console relay against Debian's websockify in one run, both relaying the same
 * TCP source ({@link BenchSource}) to the same minimal WebSocket client; the portal twice, as it runs (busy screens
 * zero-copy, {@code web.console.ScreenSplice}) and with zero-copy off; the direct TCP path as the floor, a
 * plain TCP relay ({@link PlainRelay}, no WebSocket) as the best a copying relay could do here, and a splice(2)
 * relay ({@link SpliceRelay}, no copies, no WebSocket) as the best any relay could do here.
 * Figures: throughput of a 256 MiB stream (to a client that reads it, and to one that drops it in the kernel, which
 * costs this machine what a browser on another machine would: nothing), round trips of 16-byte messages (median,
 * p99, and what the relay adds to the direct path), the relay process's CPU time per GiB and per message
 * (steadier than wall time on a busy machine; see {@link Route#cpuTicks}), and the portal's memory per open console.
 * Rounds alternate between the routes, after a warm-up of each and a wait until the relay processes are quiet (no
 * JIT compiling left). The portal ({@link BenchPortal}: the real web shell and console endpoint, its guests' screens
 * replaced by the TCP source) and websockify each run in a process of their own. Needs
 * {@code apt-get install websockify}. From the repository root:
 * <pre>
 * mvn -q -o -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * cd ui && java --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat target/classpath.txt) io.kvmportal.bench.ConsoleProxyBenchmark
 * </pre>
 * Arguments (optional): MiB per stream (256), round trips per round (2000), rounds (5), idle consoles for the
 * memory figure (100).
 */
public final class ConsoleProxyBenchmark {
    private static final int MESSAGE = 16;
    private static final double SECONDS_PER_TICK = 0.01;
    /** At most this much CPU (in ticks of 10 ms) for all relay processes together in a window: quiet. */
    private static final int QUIET_TICKS = 4;
    private static final long QUIET_WINDOW_MILLIS = 2000;
    /**
     * Each round's round trips go in this many blocks, the routes taking turns, over connections open all along: a
     * console is a long-lived connection, and slow drifts of this shared machine then fall on every route alike.
     */
    private static final int ECHO_BLOCKS = 8;

    private ConsoleProxyBenchmark() {
    }

    /** What one route measured over all rounds. */
    private static final class Figures {
        final List<Double> mibPerSecond = new ArrayList<>();
        /** With a client that drops the bytes in the kernel, as a browser on another machine costs this one nothing. */
        final List<Double> mibPerSecondDropped = new ArrayList<>();
        final List<Double> roundTripNanos = new ArrayList<>();
        long streamTicks;
        long streamedBytes;
        long echoTicks;
        long messages;
    }

    public static void main(String[] args) throws Exception {
        long streamBytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int consoles = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        try (BenchSource source = new BenchSource(); Relays.Portal portal = new Relays.Portal(source.port(), true);
             Relays.Portal copying = new Relays.Portal(source.port(), false);
             Relays.Websockify websockify = new Relays.Websockify(source.port())) {
            List<Route> routes = List.of(new Route.Direct("direct TCP", source.port(), OptionalLong.empty()),
                    websockify.route(), portal.route(), copying.route(), portal.plainRoute(), portal.spliceRoute());
            List<Figures> figures = new ArrayList<>();
            List<Route.Connection> echoes = new ArrayList<>();
            try {
                for (Route route : routes) {
                    // Warm-up, unmeasured: the JIT compiles the portal's hot paths meanwhile.
                    stream(route, streamBytes, new Figures(), false);
                    stream(route, streamBytes, new Figures(), true);
                    echoes.add(openEcho(route));
                    echo(route, echoes.get(echoes.size() - 1), roundTrips, new Figures());
                    figures.add(new Figures());
                }
                awaitQuiet(routes);
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < routes.size(); i++) {
                        stream(routes.get(i), streamBytes, figures.get(i), false);
                        stream(routes.get(i), streamBytes, figures.get(i), true);
                    }
                    for (int block = 0; block < ECHO_BLOCKS; block++) {
                        for (int i = 0; i < routes.size(); i++) {
                            echo(routes.get(i), echoes.get(i), roundTrips / ECHO_BLOCKS, figures.get(i));
                        }
                    }
                }
            } finally {
                for (Route.Connection echo : echoes) {
                    echo.close();
                }
            }
            report(routes, figures, streamBytes, rounds);
            System.out.printf(Locale.ROOT, "%nPortal memory per open console (%d idle consoles, after full GC): %s%n",
                    consoles, portal.memoryPerConsole(consoles));
        }
    }

    /**
     * Waits (up to 3 minutes) until the relay processes are quiet. A JVM just started, as the portals are, compiles
     * its start-up code for about half a minute on this 2-core machine, possibly past the warm-up; its compiler
     * threads would take CPU from whichever route is being measured, the portal's own most of all.
     */
    private static void awaitQuiet(List<Route> routes) throws Exception {
        long[] pids = routes.stream().map(Route::relayPid).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).distinct().toArray();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(3);
        long last = ticks(pids);
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_WINDOW_MILLIS);
            long now = ticks(pids);
            if (now - last <= QUIET_TICKS) {
                System.out.printf(Locale.ROOT, "Relays quiet after the warm-up: waited %.0f s%n",
                        (System.nanoTime() - start) / 1e9);
                return;
            }
            last = now;
        }
        System.out.println("Relays still busy 3 minutes after the warm-up; measuring anyway");
    }

    private static long ticks(long[] pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            sum += Route.processTicks(pid);
        }
        return sum;
    }

    /**
     * One stream of {@code bytes} from the source through {@code route}: MiB/s from command to last byte, to a client
     * that reads the bytes, or ({@code dropInKernel}) to one that drops them in the kernel.
     */
    private static void stream(Route route, long bytes, Figures figures, boolean dropInKernel) throws Exception {
        try (Route.Connection connection = route.connect()) {
            long ticks = relayTicks(route);
            long start = System.nanoTime();
            connection.send(ByteBuffer.allocate(9).put(BenchSource.STREAM).putLong(bytes).array());
            if (dropInKernel) {
                connection.dropInKernel(bytes);
            } else {
                connection.drain(bytes);
            }
            double mibPerSecond = bytes / 1048576.0 / ((System.nanoTime() - start) / 1e9);
            if (dropInKernel) {
                figures.mibPerSecondDropped.add(mibPerSecond);
                return;
            }
            figures.mibPerSecond.add(mibPerSecond);
            figures.streamTicks += relayTicks(route) - ticks;
            figures.streamedBytes += bytes;
        }
    }

    /** A connection through {@code route} that the source echoes, open for the whole run as a console is. */
    private static Route.Connection openEcho(Route route) throws Exception {
        Route.Connection connection = route.connect();
        connection.send(new byte[] {BenchSource.ECHO});
        return connection;
    }

    /** {@code count} messages echoed over {@code connection}, one at a time. */
    private static void echo(Route route, Route.Connection connection, int count, Figures figures) throws Exception {
        byte[] message = new byte[MESSAGE];
        long ticks = relayTicks(route);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            connection.send(message);
            connection.drain(MESSAGE);
            figures.roundTripNanos.add((double) (System.nanoTime() - start));
        }
        figures.echoTicks += relayTicks(route) - ticks;
        figures.messages += count;
    }

    private static long relayTicks(Route route) throws Exception {
        return route.relayPid().isPresent() ? Route.cpuTicks(route.relayPid().getAsLong()) : 0;
    }

    private static void report(List<Route> routes, List<Figures> figures, long streamBytes, int rounds) {
        System.out.printf(Locale.ROOT, "%nThroughput, %d MiB per stream, %d rounds:%n", streamBytes >> 20, rounds);
        for (int i = 0; i < routes.size(); i++) {
            Figures f = figures.get(i);
            System.out.printf(Locale.ROOT, "  %-12s median %7.1f MiB/s  relay CPU %6.2f s/GiB  rounds %s%n",
                    routes.get(i).name(), median(f.mibPerSecond), cpuPerGib(f), f.mibPerSecond.stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        }
        System.out.printf(Locale.ROOT, "%nThroughput to a client that drops the bytes in the kernel (recv MSG_TRUNC),"
                + " as a browser on another machine costs this one nothing:%n");
        for (int i = 0; i < routes.size(); i++) {
            Figures f = figures.get(i);
            System.out.printf(Locale.ROOT, "  %-12s median %7.1f MiB/s  rounds %s%n", routes.get(i).name(),
                    median(f.mibPerSecondDropped), f.mibPerSecondDropped.stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        }
        double[] direct = sorted(figures.get(0).roundTripNanos);
        System.out.printf(Locale.ROOT, "%nRound trips of %d-byte messages, %d per route:%n", MESSAGE, direct.length);
        for (int i = 0; i < routes.size(); i++) {
            Figures f = figures.get(i);
            double[] rtt = sorted(f.roundTripNanos);
            System.out.printf(Locale.ROOT, "  %-12s median %7.1f us  p99 %7.1f us  added: median %7.1f us  p99 %7.1f us"
                            + "  relay CPU %5.1f us/message%n", routes.get(i).name(), percentile(rtt, 0.5) / 1e3,
                    percentile(rtt, 0.99) / 1e3, (percentile(rtt, 0.5) - percentile(direct, 0.5)) / 1e3,
                    (percentile(rtt, 0.99) - percentile(direct, 0.99)) / 1e3, cpuPerMessageMicros(f));
        }
        Figures websockify = figures.get(1);
        Figures portal = figures.get(2);
        double[] ws = sorted(websockify.roundTripNanos);
        double[] own = sorted(portal.roundTripNanos);
        System.out.printf(Locale.ROOT, "%nportal / websockify: throughput %.2fx (goal >= 2), relay CPU per GiB %.2f,"
                        + " added median latency %.2f (goal <= 0.5), added p99 latency %.2f, relay CPU per message %.2f%n",
                median(portal.mibPerSecond) / median(websockify.mibPerSecond), cpuPerGib(portal) / cpuPerGib(websockify),
                (percentile(own, 0.5) - percentile(direct, 0.5)) / (percentile(ws, 0.5) - percentile(direct, 0.5)),
                (percentile(own, 0.99) - percentile(direct, 0.99)) / (percentile(ws, 0.99) - percentile(direct, 0.99)),
                cpuPerMessageMicros(portal) / cpuPerMessageMicros(websockify));
        System.out.printf(Locale.ROOT, "portal / websockify to a client dropping the bytes in the kernel: throughput"
                        + " %.2fx (copying portal %.2fx, splice relay %.2fx)%n",
                median(portal.mibPerSecondDropped) / median(websockify.mibPerSecondDropped),
                median(figures.get(3).mibPerSecondDropped) / median(websockify.mibPerSecondDropped),
                median(figures.get(5).mibPerSecondDropped) / median(websockify.mibPerSecondDropped));
        System.out.printf(Locale.ROOT, "The portal copying (zero-copy off) / websockify: throughput %.2fx%n",
                median(figures.get(3).mibPerSecond) / median(websockify.mibPerSecond));
        System.out.printf(Locale.ROOT, "Without WebSocket, for scale: plain relay / websockify throughput %.2fx,"
                        + " splice relay / websockify %.2fx%n",
                median(figures.get(4).mibPerSecond) / median(websockify.mibPerSecond),
                median(figures.get(5).mibPerSecond) / median(websockify.mibPerSecond));
    }

    private static double cpuPerGib(Figures f) {
        return f.streamTicks * SECONDS_PER_TICK / (f.streamedBytes / (double) (1L << 30));
    }

    private static double cpuPerMessageMicros(Figures f) {
        return f.echoTicks * SECONDS_PER_TICK * 1e6 / f.messages;
    }

    private static double median(List<Double> values) {
        return percentile(sorted(values), 0.5);
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    private static double percentile(double[] sorted, double fraction) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * fraction))];
    }
}
