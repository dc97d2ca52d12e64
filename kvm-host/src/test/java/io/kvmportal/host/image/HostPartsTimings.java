package io.kvmportal.host.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.InstallationId;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;

/**
 * Not a test: prints how long the host parts' operations take (median, min, max of N runs), to put
 * next to a guest's start time. Run with the test class path; needs root. Cleans up like a test.
 */
public final class HostPartsTimings {
    private static final int RUNS = 20;

    private HostPartsTimings() {
    }

    public static void main(String[] args) throws Exception {
        Path top = TestNames.tempDirectory();
        LinuxAccountName name = LinuxAccountName.of(TestNames.random());
        GuestCgroups cgroups = new GuestCgroups(TestNames.random());
        try {
            Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwx--x--x"));
            ImageStore store = ImageStore.open(top.resolve("images"));
            Path guests = Files.createDirectory(top.resolve("guests"));
            Files.setPosixFilePermissions(guests, PosixFilePermissions.fromString("rwx--x--x"));
            LinuxAccounts accounts = new LinuxAccounts(InstallationId.random());
            long[] ensure = time(1, i -> accounts.ensure(name));
            LinuxAccount account = accounts.ensure(name);
            images(store);
            BaseImage base = store.admit(TestImages.qcow2(store.incoming().resolve("b"), 64 << 20), ImageFormat.QCOW2, 1L << 30);
            GuestDisks disks = new GuestDisks(store);
            print("useradd (ensure, new account)", ensure);
            print("createOverlay (qemu-img create + chmod as owner)", time(RUNS, i -> disks.createOverlay(base, guests.resolve("o" + i), account, 64 << 20)));
            print("createEmpty", time(RUNS, i -> disks.createEmpty(guests.resolve("e" + i), account, 64 << 20)));
            print("deleteGuestDirectory (find -delete as owner)", time(RUNS, i -> disks.deleteGuestDirectory(guests.resolve("o" + i), account)));
            KvmAccess access = new KvmAccess();
            print("KvmAccess.grant", time(RUNS, i -> access.grant(name)));
            print("KvmAccess.grants", time(RUNS, i -> access.grants()));
            print("KvmAccess.revoke", time(RUNS, i -> access.revoke(name)));
            print("cgroup create", time(RUNS, i -> cgroups.create("g" + i, 256 << 20, 100_000)));
            print("cgroup destroy (empty)", time(RUNS, i -> cgroups.destroy("g" + i)));
        } finally {
            new KvmAccess().revoke(name);
            cgroups.removeParentIfEmpty();
            TestNames.deleteTree(top);
            Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
        }
    }

    private static void images(ImageStore store) throws Exception {
        Path qcow2 = TestImages.qcow2(store.incoming().resolve("q"), 64 << 20);
        Path raw = TestImages.raw(store.incoming().resolve("r"), 64 << 20);
        Path iso = TestImages.iso(store.incoming().resolve("i"), 64 << 20);
        Path backed = TestImages.qcow2(store.incoming().resolve("bk"), 1 << 20, "-b", "/etc/passwd", "-F", "raw");
        ImageInspector inspector = store.inspector();
        print("inspect qcow2 64 MiB", time(RUNS, i -> inspector.inspect(qcow2, ImageFormat.QCOW2, 1L << 30)));
        print("inspect raw 64 MiB", time(RUNS, i -> inspector.inspect(raw, ImageFormat.RAW, 1L << 30)));
        print("inspect iso 64 MiB", time(RUNS, i -> inspector.inspect(iso, ImageFormat.ISO, 1L << 30)));
        print("refuse qcow2 with backing file", time(RUNS, i -> refused(() -> inspector.inspect(backed, ImageFormat.QCOW2, 1L << 30))));
        print("refuse raw claimed qcow2 (magic, no qemu-img)", time(RUNS, i -> refused(() -> inspector.inspect(raw, ImageFormat.QCOW2, 1L << 30))));
    }

    private static void refused(Runnable inspect) {
        try {
            inspect.run();
            throw new IllegalStateException("was accepted");
        } catch (ImageRefusedException expected) {
            // the refusal is what is timed
        }
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    private static long[] time(int runs, Step step) throws Exception {
        long[] micros = new long[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            step.run(i);
            micros[i] = (System.nanoTime() - started) / 1_000;
        }
        return micros;
    }

    private static void print(String what, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.printf("%-50s n=%2d median %7.1f ms  min %7.1f ms  max %7.1f ms%n", what, sorted.length,
                sorted[sorted.length / 2] / 1000.0, sorted[0] / 1000.0, sorted[sorted.length - 1] / 1000.0);
    }
}
