package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.AccountRemoval;
import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.KvmGrant;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.KvmProbe;
import io.kvmportal.host.testing.ForeignAccount;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.TestKvmNode;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A portal login's Linux account through the facade, as deleting a user uses it: the account and its /dev/kvm
 * entry go together; a login that never had a guest has nothing to remove; an account something still runs as
 * stays, and the refusal says what runs. Only accounts this data directory's installation created go, also after
 * a restart; another portal's, another test run's or an administrator's stay, /dev/kvm entry and all. The entries
 * are given on a stand-in node the test makes, so all of this holds on every kind of host, with or without /dev/kvm
 * (KvmAccessTest grants the real device).
 */
class HostAccountTest {
    private final String login = TestNames.random();
    private final LinuxAccountName name = LinuxAccountName.forLogin(login);
    private Path dataDir;
    private TestKvmNode node;
    private KvmAccess kvm;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        node = TestKvmNode.create();
        kvm = new KvmAccess(node.path());
        host = hostOn(dataDir);
    }

    private Host hostOn(Path dataDir) {
        return new Host(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.TCG, Duration.ofSeconds(60),
                TestNames.random()), (guest, exit) -> { }, new KvmProbe(node.path(), Path.of("/sys/module")), kvm);
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            host.close();
        } finally {
            HostLeftovers.removeAccountOf(login, kvm);
            node.close();
            TestNames.deleteTree(dataDir);
        }
    }

    @Test
    void removingTheAccountTakesItsKvmEntryAlong() {
        LinuxAccount account = host.prepareAccount(login);
        assertTrue(grantees().contains(name.value()), grantees().toString());

        assertEquals(AccountRemoval.REMOVED, host.removeAccount(login));

        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));
        assertFalse(grantees().contains(name.value()) || grantees().contains(Integer.toString(account.uid())),
                "no entry for the account or its bare uid: " + grantees());
        assertEquals(AccountRemoval.NO_ACCOUNT, host.removeAccount(login));
    }

    @Test
    void aLoginThatNeverHadAGuestHasNoAccountToRemove() {
        assertEquals(AccountRemoval.NO_ACCOUNT, host.removeAccount(login));
    }

    /** What a test run next to a real portal must get right: the same login on two data directories. */
    @Test
    void theAccountIsThisDataDirectorysAlsoAfterARestartAndNoOtherOnes() throws Exception {
        LinuxAccount account = host.prepareAccount(login);
        host.close();
        Path otherDataDir = TestNames.tempDirectory();
        try (Host other = hostOn(otherDataDir)) {
            assertEquals(AccountRemoval.LEFT_OTHER_INSTALLATION, other.removeAccount(login));
            assertEquals(Optional.of(account), LinuxAccounts.lookup(name));
            assertTrue(grantees().contains(name.value()), grantees().toString());
        } finally {
            TestNames.deleteTree(otherDataDir);
        }

        host = hostOn(dataDir);

        assertEquals(AccountRemoval.REMOVED, host.removeAccount(login));
        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));
    }

    /** Made with useradd, as an administrator (or an older portal) would: adopted and granted, never removed. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                                            | LEFT_UNMARKED",
        "kvm-portal 00112233445566778899aabbccddeeff | LEFT_OTHER_INSTALLATION"})
    void anAccountTheHostDidNotCreateStaysWithItsKvmEntry(String comment, AccountRemoval expected) {
        ForeignAccount.create(name, comment);
        LinuxAccount account = host.prepareAccount(login);

        assertEquals(expected, host.removeAccount(login));

        assertEquals(Optional.of(account), LinuxAccounts.lookup(name));
        assertTrue(grantees().contains(name.value()), grantees().toString());
    }

    @Test
    void aCorruptInstallationIdStopsTheHostAndIsKept() throws Exception {
        host.close();
        Path idFile = dataDir.resolve(HostConfig.INSTALLATION_ID);
        Files.writeString(idFile, "not an id\n");

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> hostOn(dataDir));

        assertTrue(refused.getMessage().contains(idFile + " is corrupt"), refused.getMessage());
        assertEquals("not an id\n", Files.readString(idFile));
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
            assertTrue(LinuxAccounts.lookup(name).isPresent());
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(AccountRemoval.REMOVED, host.removeAccount(login));
    }

    private List<String> grantees() {
        return kvm.grants().stream().map(KvmGrant::user).toList();
    }
}
