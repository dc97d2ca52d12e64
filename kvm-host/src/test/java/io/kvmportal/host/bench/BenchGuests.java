package io.kvmportal.host.bench;

import io.kvmportal.host.GuestDefinition;
import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.TestGuestImage;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** What the benchmarks share: a host in a scratch directory, the test guest as a base image, and figures. */
final class BenchGuests implements AutoCloseable {
    final Path dataDir;
    final Host host;
    final String login = TestNames.random();
    final String cgroupParent = TestNames.random();
    private final BaseImage base;
    private final BootSource.FromKernel boot;
    /** Every guest made here, to force off whatever a failed run leaves running. */
    private final List<UUID> running = new java.util.concurrent.CopyOnWriteArrayList<>();

    BenchGuests() throws IOException {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        host = new Host(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.TCG, Duration.ofSeconds(120), cgroupParent),
                (guest, exit) -> { });
        base = host.images().publishDemo(TestGuestImage.cacheRoot());
        boot = host.images().kernelBoot(base.id());
    }

    GuestDefinition newGuest(String name, int memoryMib) {
        UUID uuid = UUID.randomUUID();
        running.add(uuid);
        host.createDisk(uuid, login, Optional.of(base), 64L << 20);
        return new GuestDefinition(uuid, name, login, 1, memoryMib,
                boot, Nic.USER);
    }

    Path serialLog(GuestDefinition guest) {
        return dataDir.resolve("guests").resolve(guest.uuid().toString().replace("-", "")).resolve("serial.log");
    }

    boolean awaitBanner(GuestDefinition guest, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path log = serialLog(guest);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("PORTAL-TEST-GUEST READY")) {
                return true;
            }
            if (host.state(guest.uuid()) == io.kvmportal.host.guest.RunState.NOT_RUNNING) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        for (java.util.UUID guest : running) {
            if (host.state(guest) != io.kvmportal.host.guest.RunState.NOT_RUNNING) {
                host.forceOff(guest);
            }
        }
        host.close();
        host.removeAccount(login);
        new io.kvmportal.host.cgroup.GuestCgroups(cgroupParent).removeParentIfEmpty();
        TestNames.deleteTree(dataDir);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** The nearest-rank percentile: the smallest value that {@code percent} % of the values do not exceed. */
    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String figures(List<Double> millis) {
        List<Double> sorted = millis.stream().sorted().toList();
        return String.format(Locale.ROOT, "median %.1f ms, p90 %.1f (min %.1f, max %.1f, n=%d)", median(millis),
                percentile(millis, 90), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }
}
