package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.KvmGrant;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A portal login's Linux account through the facade, as deleting a user uses it: the account and its /dev/kvm
 * entry go together; a login that never had a guest has nothing to remove; an account something still runs as
 * stays, and the refusal says what runs.
 */
class HostAccountTest {
    private final String login = TestNames.random();
    private final LinuxAccountName name = LinuxAccountName.forLogin(login);
    private Path dataDir;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        host = new Host(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"), Accelerator.TCG,
                Duration.ofSeconds(60), TestNames.random()), (guest, exit) -> { });
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            host.close();
        } finally {
            HostLeftovers.removeAccountOf(login);
            TestNames.deleteTree(dataDir);
        }
    }

    @Test
    void removingTheAccountTakesItsKvmEntryAlong() {
        LinuxAccount account = host.prepareAccount(login);
        assertTrue(grantees().contains(name.value()), grantees().toString());

        host.removeAccount(login);

        assertEquals(Optional.empty(), new LinuxAccounts().lookup(name));
        assertFalse(grantees().contains(name.value()) || grantees().contains(Integer.toString(account.uid())),
                "no entry for the account or its bare uid: " + grantees());
        host.removeAccount(login);
    }

    @Test
    void aLoginThatNeverHadAGuestHasNoAccountToRemove() {
        host.removeAccount(login);
    }

    @Test
    void anAccountSomethingStillRunsAsIsNotRemoved() throws Exception {
        LinuxAccount account = host.prepareAccount(login);
        Process sleeper = new ProcessBuilder("setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid(),
                "--clear-groups", "--", "sleep", "300").start();
        try {
            CommandException refused = assertThrows(CommandException.class, () -> host.removeAccount(login));
            assertTrue(refused.getMessage().contains("currently used by process " + sleeper.pid()),
                    refused.getMessage());
            assertTrue(new LinuxAccounts().lookup(name).isPresent());
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        host.removeAccount(login);
    }

    private static List<String> grantees() {
        return new KvmAccess().grants().stream().map(KvmGrant::user).toList();
    }
}
