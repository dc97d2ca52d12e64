package io.kvmportal.host.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kvmportal.host.testing.TestGuest;

/**
 * Benchmark, not a test: launches the test guest N times under TCG, one at a time, and prints the
 * median, min and max of (a) process start -> QMP negotiated and (b) process start -> banner in
 * serial.log. Run: {@code java -cp <test classpath> io.kvmportal.host.bench.LaunchLatency [N]}.
 */
public final class LaunchLatency {
    private LaunchLatency() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Double> qmpMillis = new ArrayList<>();
        List<Double> bannerMillis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (TestGuest guest = TestGuest.start("bench-" + i)) {
                guest.qmp();
                qmpMillis.add((System.nanoTime() - guest.startedNanos()) / 1e6);
                long banner = guest.serial().awaitText(TestGuest.BANNER, Duration.ofSeconds(120));
                bannerMillis.add((banner - guest.startedNanos()) / 1e6);
            }
            System.out.printf(Locale.ROOT, "run %2d: QMP ready %7.1f ms, banner %7.1f ms%n", i + 1,
                    qmpMillis.get(i), bannerMillis.get(i));
        }
        report("start -> QMP ready", qmpMillis);
        report("start -> banner", bannerMillis);
        System.out.printf(Locale.ROOT, "ratio banner / QMP ready (medians): %.1f%n", median(bannerMillis) / median(qmpMillis));
    }

    private static void report(String what, List<Double> millis) {
        List<Double> sorted = millis.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "%-20s n=%d median %.1f ms, min %.1f ms, max %.1f ms%n", what, sorted.size(),
                median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
