package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.TestAccount;
import io.kvmportal.host.testing.TestGuest;

/** The launcher's prefix, and a real QEMU started as an unprivileged account under seccomp. */
class QemuLauncherTest {
    private static TestAccount account;

    @BeforeAll
    static void createAccount() {
        account = TestAccount.create();
    }

    @AfterAll
    static void deleteAccount() {
        if (account != null) {
            account.close();
        }
    }

    @Test
    void prefixRunsQemuInItsOwnSessionAsTheAccount() {
        GuestSpec spec = GuestSpec.builder().name("g").uuid(UUID.fromString("6f1c0d3e-8a57-4c1b-9d3a-0b5e2f7a9c41"))
                .boot(new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "")).accelerator(Accelerator.TCG)
                .nic(Nic.NONE).runDirectory(Path.of("/run/g")).build();
        List<String> qemu = QemuCommandLine.argv(spec);

        List<String> asAccount = QemuLauncher.argv(spec, Optional.of(new RunAs(1001, 1002)));
        assertEquals(List.of("/usr/bin/setsid", "/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--clear-groups",
                "--no-new-privs", "--"), asAccount.subList(0, 7));
        assertEquals(qemu, asAccount.subList(7, asAccount.size()));
        assertEquals(List.of("/usr/bin/setsid"), QemuLauncher.argv(spec, Optional.empty()).subList(0, 1));
        assertEquals(qemu.size() + 1, QemuLauncher.argv(spec, Optional.empty()).size());
    }

    @ParameterizedTest
    @CsvSource({"0,1000", "1000,0", "-1,1000", "1000,-5"})
    void neverRoot(int uid, int gid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunAs(uid, gid));
        assertEquals("uid " + uid + " gid " + gid + ": a guest never runs as root or a negative id", e.getMessage());
    }

    @Test
    void qemuRunsAsTheAccountWithNoNewPrivsSeccompAndNoGroups() throws Exception {
        RunAs runAs = new RunAs(account.uid(), account.gid());
        try (TestGuest guest = TestGuest.start("as-account", Optional.of(runAs))) {
            assertEquals("running", guest.qmp().execute("query-status").get("status").asText());
            int pid = (int) guest.process().pid();
            String status = Files.readString(Path.of("/proc", Integer.toString(pid), "status"));

            assertEquals(account.uid(), new ProcessViews().read(pid).orElseThrow().uid());
            assertTrue(status.contains("\nUid:\t" + account.uid() + "\t" + account.uid()), status);
            assertTrue(status.contains("\nGid:\t" + account.gid() + "\t" + account.gid()), status);
            assertTrue(status.lines().anyMatch(l -> l.matches("Groups:\\s*")), "no supplementary groups: " + status);
            assertTrue(status.contains("\nNoNewPrivs:\t1\n"), status);
            assertTrue(status.contains("\nSeccomp:\t2\n"), "seccomp filter mode from -sandbox: " + status);
            assertEquals(account.uid(), Files.getAttribute(guest.spec().qmpSocket(), "unix:uid"), "QEMU made its socket");
            Path dir = guest.spec().runDirectory();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals(account.uid(), Files.getAttribute(dir, "unix:uid"));
            assertEquals(account.gid(), Files.getAttribute(dir, "unix:gid"));
            assertEquals(Long.toString(pid), Files.readString(guest.spec().pidFile()).strip());
            guest.serial().awaitText(TestGuest.BANNER, Duration.ofSeconds(90));
        }
    }
}
