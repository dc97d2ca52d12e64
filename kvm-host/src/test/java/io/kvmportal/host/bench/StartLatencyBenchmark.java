package io.kvmportal.host.bench;

import io.kvmportal.host.GuestDefinition;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.QemuCommandLine;
import io.kvmportal.host.qemu.QmpClient;
import io.kvmportal.host.kvm.Accelerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test. Start latency of {@code Host.start} (account and /dev/kvm grant checked, cgroup made
 * and joined, setsid and setpriv, QEMU until QMP is negotiated) against bare {@code qemu-system-x86_64} with the
 * same QEMU arguments started directly by root until QMP is negotiated, alternating, in one run. Run as root:
 * {@code java -cp <kvm-host test classpath> io.kvmportal.host.bench.StartLatencyBenchmark [runs]}.
 */
public final class StartLatencyBenchmark {

    private StartLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Double> facade = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        try (BenchGuests bench = new BenchGuests()) {
            for (int i = 0; i < runs; i++) {
                GuestDefinition guest = bench.newGuest("bench-" + i, 128);
                long start = System.nanoTime();
                bench.host.start(guest);
                facade.add((System.nanoTime() - start) / 1e6);
                bench.host.forceOff(guest.uuid());
                bare.add(bareQemu(bench, guest));
                bench.host.deleteGuest(guest.uuid(), bench.login);
            }
        }
        System.out.println("Host.start until QMP ready:        " + BenchGuests.figures(facade));
        System.out.println("bare qemu-system until QMP ready:  " + BenchGuests.figures(bare));
        System.out.printf(Locale.ROOT, "ratio (medians): %.2fx%n", BenchGuests.median(facade) / BenchGuests.median(bare));
    }

    /** The same guest's QEMU arguments, started by root directly, in a scratch run directory. */
    static double bareQemu(BenchGuests bench, GuestDefinition guest) throws Exception {
        Path run = Files.createDirectories(bench.dataDir.resolve("bare"));
        Path disk = bench.serialLog(guest).resolveSibling("disk.qcow2");
        GuestSpec spec = GuestSpec.builder().name(guest.name()).uuid(guest.uuid()).vcpus(1).memoryMib(128)
                .disk(disk).boot((BootSource) guest.boot()).accelerator(Accelerator.TCG).runDirectory(run).build();
        long start = System.nanoTime();
        Process qemu = new ProcessBuilder(QemuCommandLine.argv(spec)).redirectErrorStream(true)
                .redirectOutput(run.resolve("qemu.log").toFile()).start();
        try (QmpClient qmp = QmpClient.connect(spec.qmpSocket(), Duration.ofSeconds(60))) {
            return (System.nanoTime() - start) / 1e6;
        } finally {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (String file : List.of("qmp.sock", "vnc.sock", "serial.sock", "qemu.pid")) {
                Files.deleteIfExists(run.resolve(file));
            }
        }
    }
}
