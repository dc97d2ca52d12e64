package io.kvmportal.host.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.Processes;
import io.kvmportal.host.kvm.Signal;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestExit;
import io.kvmportal.host.qemu.GuestProcess;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.RunAs;
import io.kvmportal.host.testing.TestAccount;
import io.kvmportal.host.testing.TestGuestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The supervisor against real QEMU (TCG) running the test guest as a test account. */
class GuestSupervisorTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private final LinkedBlockingQueue<GuestExit> exits = new LinkedBlockingQueue<>();
    private TestAccount account;
    private Path dir;
    private GuestSpec spec;
    private GuestSupervisor supervisor;

    @BeforeEach
    void guestFilesOwnedByATestAccount() throws IOException {
        account = TestAccount.create();
        dir = Files.createTempDirectory("kvmptest-supervisor-");
        // The account must pass through (not list) this root-owned directory to its disk and run directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        TestGuestImage image = TestGuestImage.get();
        Path kernel = readableCopy(image.kernel());
        Path initrd = readableCopy(image.initrd());
        Path base = readableCopy(image.baseDisk());
        Path disk = dir.resolve("disk.qcow2");
        Command.runChecked(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                disk.toString()), Duration.ofSeconds(30));
        Files.setAttribute(disk, "unix:uid", account.uid());
        Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-------"));
        spec = GuestSpec.builder().name("kvmptest-sup").uuid(UUID.randomUUID()).memoryMib(256).disk(disk)
                .boot(new BootSource.FromKernel(kernel, initrd, "console=tty1 console=ttyS0 quiet"))
                .accelerator(Accelerator.TCG).runDirectory(dir.resolve("run")).build();
        supervisor = new GuestSupervisor((uuid, exit) -> exits.add(exit), Duration.ofSeconds(30));
    }

    @AfterEach
    void killAndRemoveEverything() throws IOException {
        for (UUID uuid : supervisor.runningGuests()) {
            supervisor.forceOff(uuid);
        }
        supervisor.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        account.close();
    }

    @Test
    void runsAsTheAccountAndPausesResumesAndShowsItsScreen() throws Exception {
        GuestProcess guest = supervisor.start(spec, runAs());
        awaitSerial("PORTAL-TEST-GUEST READY", 1);
        assertEquals(account.uid(), supervisor.processView(spec.uuid()).orElseThrow().uid());
        assertEquals(RunState.RUNNING, supervisor.state(spec.uuid()));
        supervisor.pause(spec.uuid());
        assertEquals(RunState.PAUSED, supervisor.state(spec.uuid()));
        supervisor.resume(spec.uuid());
        assertEquals(RunState.RUNNING, supervisor.state(spec.uuid()));
        byte[] png = supervisor.screenshot(spec.uuid(), spec.runDirectory());
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        assertTrue(png.length > 1000, "a 640x480 screen is more than " + png.length + " bytes");
        assertEquals(account.uid(), (int) Files.getAttribute(spec.runDirectory(), "unix:uid"));
        assertTrue(guest.pid() > 1);
    }

    @Test
    void rebootsAndShutsDownGracefully() throws Exception {
        supervisor.start(spec, runAs());
        awaitSerial("PORTAL-TEST-GUEST READY", 1);
        supervisor.reboot(spec.uuid());
        awaitSerial("PORTAL-TEST-GUEST READY", 2);
        GuestExit exit = supervisor.shutdown(spec.uuid(), Duration.ofSeconds(60));
        assertTrue(exit.clean(), exit.toString());
        assertEquals(exit, exits.poll(5, TimeUnit.SECONDS));
        assertEquals(RunState.NOT_RUNNING, supervisor.state(spec.uuid()));
    }

    @Test
    void aKilledQemuIsReportedAsACrashWithinASecond() throws Exception {
        GuestProcess guest = supervisor.start(spec, runAs());
        long killed = System.nanoTime();
        Processes.signal(guest.pid(), Signal.KILL);
        GuestExit exit = exits.poll(5, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - killed) / 1_000_000;
        assertFalse(exit.clean(), exit.toString());
        assertTrue(millis < 1000, "noticed after " + millis + " ms");
        assertFalse(supervisor.runningGuests().contains(spec.uuid()));
    }

    @Test
    void aSigstoppedQemuIsShownAsSuchAndHangsNoCall() throws Exception {
        GuestProcess guest = supervisor.start(spec, runAs());
        Processes.signal(guest.pid(), Signal.STOP);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                assertEquals(RunState.STOPPED_BY_SIGNAL, supervisor.state(spec.uuid()));
                assertThrows(GuestCommandException.class, () -> supervisor.pause(spec.uuid()));
            });
        } finally {
            Processes.signal(guest.pid(), Signal.CONT);
        }
        assertEquals(RunState.RUNNING, supervisor.state(spec.uuid()));
    }

    @Test
    void aFreshSupervisorReattachesARunningGuestAndClearsADeadOne() throws Exception {
        supervisor.start(spec, runAs());
        supervisor.close();
        GuestSupervisor restarted = new GuestSupervisor((uuid, exit) -> exits.add(exit), Duration.ofSeconds(30));
        supervisor = restarted;
        assertTrue(restarted.reattach(spec));
        assertEquals(RunState.RUNNING, restarted.state(spec.uuid()));
        restarted.forceOff(spec.uuid());
        assertFalse(exits.poll(5, TimeUnit.SECONDS).clean());
        assertFalse(restarted.reattach(spec));
        assertFalse(Files.exists(spec.pidFile()) || Files.exists(spec.qmpSocket()), "stale files are gone");
        restarted.start(spec, runAs());
        assertEquals(RunState.RUNNING, restarted.state(spec.uuid()));
    }

    @Test
    void aQemuThatCannotStartFailsWithItsOwnWords() throws Exception {
        Files.delete(spec.disk().orElseThrow());
        GuestCommandException refused = assertThrows(GuestCommandException.class,
                () -> supervisor.start(spec, runAs()));
        assertEquals(GuestCommandException.Kind.START_FAILED, refused.kind());
        assertTrue(refused.getMessage().contains("disk.qcow2"), refused.getMessage());
    }

    private Optional<RunAs> runAs() {
        return Optional.of(new RunAs(account.uid(), account.gid()));
    }

    private void awaitSerial(String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String log = Files.exists(spec.serialLog()) ? Files.readString(spec.serialLog()) : "";
            if (log.split(text, -1).length - 1 >= times) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' not seen " + times + "x on the serial console within 60 s");
    }

    private Path readableCopy(Path file) throws IOException {
        Path copy = dir.resolve(file.getFileName());
        Files.copy(file, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        return copy;
    }
}
