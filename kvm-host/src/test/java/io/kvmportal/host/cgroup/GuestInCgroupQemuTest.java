package io.kvmportal.host.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kvmportal.host.account.InstallationId;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.GuestDisk;
import io.kvmportal.host.image.GuestDisks;
import io.kvmportal.host.image.ImageFormat;
import io.kvmportal.host.image.ImageStore;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.ProcessView;
import io.kvmportal.host.qemu.ProcessViews;
import io.kvmportal.host.qemu.QemuLauncher;
import io.kvmportal.host.testing.TestGuest;
import io.kvmportal.host.testing.TestGuestImage;
import io.kvmportal.host.testing.TestNames;

/**
 * The three parts together, as a guest will run: an account, an admitted base image, the account's
 * overlay in its 0700 run directory, QEMU started as the account and joined to its cgroup at once.
 * Measures how much of QEMU's memory the cgroup was charged for, which is what joining after start
 * (rather than before exec) costs on v1.
 */
class GuestInCgroupQemuTest {
    private static final Logger LOG = LoggerFactory.getLogger(GuestInCgroupQemuTest.class);

    private final LinuxAccountName name = LinuxAccountName.of(TestNames.random());
    private final GuestCgroups cgroups = new GuestCgroups(TestNames.random());
    private final String guest = TestNames.random();
    private Path top;
    private Process qemu;

    @AfterEach
    void cleanUp() throws IOException, InterruptedException {
        try {
            if (qemu != null) {
                qemu.destroyForcibly();
                qemu.waitFor(10, TimeUnit.SECONDS);
            }
            cgroups.destroy(guest);
            cgroups.removeParentIfEmpty();
        } finally {
            try {
                if (top != null) {
                    TestNames.deleteTree(top);
                }
            } finally {
                Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void guestBootsAsItsAccountInsideItsCgroup() throws IOException, InterruptedException {
        LinuxAccount account = new LinuxAccounts(InstallationId.random()).ensure(name);
        top = TestNames.tempDirectory();
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwx--x--x"));
        ImageStore store = ImageStore.open(top.resolve("images"));
        TestGuestImage image = TestGuestImage.get();
        Path upload = Files.copy(image.baseDisk(), store.incoming().resolve("upload"));
        BaseImage base = store.admit(upload, ImageFormat.QCOW2, 1L << 30);
        Path kernel = readableCopy(image.kernel(), top);
        Path initrd = readableCopy(image.initrd(), top);
        Path guests = Files.createDirectory(top.resolve("guests"));
        Files.setPosixFilePermissions(guests, PosixFilePermissions.fromString("rwx--x--x"));
        GuestDisk disk = new GuestDisks(store).createOverlay(base, guests.resolve(guest), account, base.virtualSize());
        cgroups.create(guest, 512L << 20, 100_000);
        GuestSpec spec = GuestSpec.builder().name(guest).uuid(UUID.randomUUID()).memoryMib(256).disk(disk.path())
                .boot(new BootSource.FromKernel(kernel, initrd, "console=tty1 console=ttyS0 quiet"))
                .accelerator(Accelerator.TCG).runDirectory(disk.path().getParent()).build();

        qemu = QemuLauncher.start(spec, Optional.of(account.runAs()));
        long joinStarted = System.nanoTime();
        cgroups.join(guest, qemu.pid());
        LOG.info("QEMU joined its cgroup {} us after start returned", (System.nanoTime() - joinStarted) / 1_000);
        awaitBanner(spec.serialLog(), Duration.ofSeconds(60));

        assertEquals(List.of(qemu.pid()), cgroups.processes(guest));
        ProcessView view = new ProcessViews().read((int) qemu.pid()).orElseThrow();
        assertEquals(account.uid(), view.uid());
        CgroupStats stats = cgroups.stats(guest);
        LOG.info("after the banner: QEMU RSS {} MiB, cgroup charged {} MiB, CPU {} ms", view.rssBytes() >> 20,
                stats.memoryBytes() >> 20, stats.cpuMicros() / 1_000);
        assertTrue(stats.memoryBytes() > view.rssBytes() / 2, "most of QEMU's memory is charged to its cgroup");
        assertTrue(stats.cpuMicros() > 0);
    }

    private static Path readableCopy(Path file, Path dir) throws IOException {
        Path copy = Files.copy(file, dir.resolve(file.getFileName()));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        return copy;
    }

    private void awaitBanner(Path serialLog, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(serialLog) && new String(Files.readAllBytes(serialLog), StandardCharsets.ISO_8859_1)
                    .contains(TestGuest.BANNER)) {
                return;
            }
            assertTrue(qemu.isAlive(), "QEMU exited with " + (qemu.isAlive() ? "" : qemu.exitValue()));
            Thread.sleep(50);
        }
        throw new AssertionError("no banner within " + timeout);
    }
}
