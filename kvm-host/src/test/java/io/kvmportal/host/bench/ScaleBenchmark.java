package io.kvmportal.host.bench;

import io.kvmportal.host.GuestDefinition;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Benchmark, not a test. Starts N small guests (128 MiB, TCG: the test guest's kernel does not get to its banner
 * in 64 MiB) at once through {@code Host}, waits for all their
 * banners, shuts them all down and deletes them; prints the times, the portal-side threads and heap per guest,
 * and checks that nothing leaked: no QEMU, cgroup, socket or guest directory left, threads back to the start.
 * Run as root: {@code java -cp <kvm-host test classpath> io.kvmportal.host.bench.ScaleBenchmark [guests]}.
 */
public final class ScaleBenchmark {

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (BenchGuests bench = new BenchGuests()) {
            List<GuestDefinition> guests = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                guests.add(bench.newGuest("scale-" + i, 128));
            }
            int threadsBefore = threads();
            long heapBefore = heapAfterGc();
            long start = System.nanoTime();
            all(count, guests, guest -> bench.host.start(guest));
            long started = System.nanoTime();
            all(count, guests, guest -> {
                if (!bench.awaitBanner(guest, Duration.ofMinutes(6))) {
                    throw new IllegalStateException("no banner from " + guest.name());
                }
            });
            long banners = System.nanoTime();
            int threadsRunning = threads();
            long heapRunning = heapAfterGc();
            all(count, guests, guest -> bench.host.shutdown(guest.uuid(), Duration.ofSeconds(60)));
            long stopped = System.nanoTime();
            for (GuestDefinition guest : guests) {
                bench.host.deleteGuest(guest.uuid(), bench.login);
            }
            // The JDK reaps child processes on "process reaper" threads that idle out after 60 s: wait for them.
            int threadsAfter = threads();
            for (int wait = 0; wait < 90 && threadsAfter > threadsBefore; wait++) {
                Thread.sleep(1000);
                threadsAfter = threads();
            }
            System.out.printf(Locale.ROOT, "%d guests: all started (QMP ready) in %.1f s, all banners after %.1f s,"
                    + " all shut down in %.1f s%n", count, seconds(start, started), seconds(start, banners),
                    seconds(banners, stopped));
            System.out.printf(Locale.ROOT, "portal side per running guest: %.1f threads, %.0f KiB heap%n",
                    (threadsRunning - threadsBefore) / (double) count, (heapRunning - heapBefore) / 1024.0 / count);
            System.out.println("leaks: QEMU processes " + qemuProcesses(guests) + ", cgroups "
                    + cgroups(bench.cgroupParent) + ", guest directories " + guestDirectories(bench.dataDir)
                    + ", threads " + threadsBefore + " before / " + threadsAfter + " after (reapers idled out)");
        }
    }

    private interface GuestStep {
        void run(GuestDefinition guest) throws Exception;
    }

    private static void all(int count, List<GuestDefinition> guests, GuestStep step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (GuestDefinition guest : guests) {
                done.add(pool.submit(() -> {
                    step.run(guest);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long qemuProcesses(List<GuestDefinition> guests) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline"));
                    return guests.stream().anyMatch(g -> cmdline.contains(g.uuid().toString()));
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private static long cgroups(String parent) throws IOException {
        try (Stream<Path> found = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            return found.filter(Files::isDirectory).filter(p -> p.toString().contains(parent + "/")).count();
        }
    }

    private static long guestDirectories(Path dataDir) throws IOException {
        try (Stream<Path> dirs = Files.list(dataDir.resolve("guests"))) {
            return dirs.count();
        }
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long heapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
