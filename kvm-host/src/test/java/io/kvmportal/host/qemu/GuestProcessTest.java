package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.Processes;
import io.kvmportal.host.kvm.Signal;
import io.kvmportal.host.testing.TestGuest;

/** Re-attaching to a QEMU that is not the JVM's child, and telling how it ended. */
class GuestProcessTest {
    private static final Logger LOG = LoggerFactory.getLogger(GuestProcessTest.class);
    private TestGuest guest;
    private GuestProcess attached;

    @AfterEach
    void cleanUp() throws Exception {
        if (attached != null) {
            attached.close();
        }
        if (guest != null) {
            guest.close();
        }
    }

    @Test
    void anOrphanIsFoundByPidFileAndItsPowerdownIsACleanExit() throws Exception {
        guest = TestGuest.startDetached("orphan");
        attached = GuestProcess.attach(guest.spec(), Duration.ofSeconds(30));

        assertNotEquals(guest.process().pid(), attached.pid(), "setsid --fork left QEMU under another pid");
        assertNotEquals(ProcessHandle.current().pid(), parentOf(attached.pid()), "not the JVM's child");
        assertEquals("running", attached.qmp().execute("query-status").get("status").asText());
        guest.serial().awaitText(TestGuest.BANNER, Duration.ofSeconds(90));

        attached.qmp().execute("system_powerdown");
        long closedAt = attached.qmp().whenClosed().thenApply(reason -> System.nanoTime()).get(60, TimeUnit.SECONDS);
        GuestExit exit = attached.whenExited().get(30, TimeUnit.SECONDS);
        LOG.info("exit confirmed {} ms after QMP end of stream", (System.nanoTime() - closedAt) / 1_000_000);

        assertEquals(new GuestExit(attached.pid(), true, "guest-shutdown"), exit);
        assertTrue(attached.view().map(v -> v.state().gone()).orElse(true), "gone or a zombie");
        assertFalse(attached.kill(), "nothing left to kill");
    }

    @Test
    void sigkillIsACrash() throws Exception {
        guest = TestGuest.startDetached("killed");
        attached = GuestProcess.attach(guest.spec(), Duration.ofSeconds(30));

        assertTrue(attached.kill());

        GuestExit exit = attached.whenExited().get(30, TimeUnit.SECONDS);
        assertEquals(new GuestExit(attached.pid(), false, "QEMU ended without a SHUTDOWN event (killed or crashed)"), exit);
    }

    @Test
    void sigtermIsACleanExitWithReasonHostSignal() throws Exception {
        guest = TestGuest.start("terminated");
        attached = GuestProcess.attach(guest.spec(), Duration.ofSeconds(30));
        assertEquals(guest.process().pid(), attached.pid(), "launched by us: the pid file names our child");

        assertTrue(Processes.signal(attached.pid(), Signal.TERM));

        assertEquals(new GuestExit(attached.pid(), true, "host-signal"), attached.whenExited().get(30, TimeUnit.SECONDS));
    }

    @Test
    void aPidFileNamingAnotherProcessIsRefused(@TempDir Path dir) throws Exception {
        GuestSpec spec = GuestSpec.builder().name("fake").uuid(UUID.randomUUID()).nic(Nic.NONE)
                .boot(new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "")).accelerator(Accelerator.TCG)
                .runDirectory(dir).build();
        Files.writeString(spec.pidFile(), ProcessHandle.current().pid() + "\n");
        try (FakeQmpServer qemu = new FakeQmpServer(spec.qmpSocket())) {
            CompletableFuture<Void> negotiated = qemu.negotiateAsync();
            GuestNotRunningException e = assertThrows(GuestNotRunningException.class,
                    () -> GuestProcess.attach(spec, Duration.ofSeconds(5)));
            negotiated.get();
            assertEquals("pid " + ProcessHandle.current().pid() + " from " + spec.pidFile() + " is not QEMU of guest "
                    + spec.uuid(), e.getMessage());
        }
    }

    @Test
    void pidFilesAreReadStrictly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("qemu.pid");
        assertEquals("no pid file " + file, assertThrows(GuestNotRunningException.class, () -> GuestProcess.readPid(file)).getMessage());
        Files.writeString(file, "12 34\n");
        assertEquals("pid file " + file + " holds \"12 34\", not a pid",
                assertThrows(GuestNotRunningException.class, () -> GuestProcess.readPid(file)).getMessage());
        Files.writeString(file, "4242\n");
        assertEquals(4242, GuestProcess.readPid(file));
    }

    /** The run directory is the account's: a qemu.pid it made a link (to a host file, another pid file) is not read. */
    @Test
    void aPidFileThatIsALinkIsNotFollowed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("qemu.pid");
        Path secret = Files.writeString(dir.resolve("shadow"), "root:$6$planted-secret:19000::::::\n");
        Files.createSymbolicLink(file, secret);
        GuestNotRunningException refused = assertThrows(GuestNotRunningException.class,
                () -> GuestProcess.readPid(file));
        assertFalse(refused.getMessage().contains("planted-secret"), refused.getMessage());

        Files.writeString(secret, "4242\n");
        assertThrows(GuestNotRunningException.class, () -> GuestProcess.readPid(file));
    }

    @Test
    void signalsRefuseGroupAndInitPids() {
        for (int pid : new int[] {-1, 0, 1}) {
            assertThrows(IllegalArgumentException.class, () -> Processes.signal(pid, Signal.KILL));
        }
    }

    private static long parentOf(int pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }
}
