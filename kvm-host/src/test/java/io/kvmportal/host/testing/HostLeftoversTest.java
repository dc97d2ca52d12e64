package io.kvmportal.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.KvmGrant;
import io.kvmportal.host.account.InstallationId;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.Command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test helper that removes what a portal left of a login: a real account with an entry on a stand-in for /dev/kvm
 * (so this holds on hosts without the device too) and two processes running as it, one the JVM's child and one an
 * orphan of PID 1 (as a guest's QEMU is after a portal restart), all gone afterwards; the account whichever
 * installation's mark it carries, or none.
 */
class HostLeftoversTest {
    private static final String STATUS = "Name:\tqemu-system-x86\nState:\t%s\nTgid:\t42\nPid:\t42\n"
            + "Uid:\t%s\nGid:\t995\t995\t995\t995\n";
    private final String login = TestNames.random();
    private final LinuxAccountName name = LinuxAccountName.forLogin(login);
    private Process child;
    private TestKvmNode node;
    private KvmAccess kvm;

    @BeforeEach
    void node() throws Exception {
        node = TestKvmNode.create();
        kvm = new KvmAccess(node.path());
    }

    @AfterEach
    void removeWhateverTheTestLeft() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        node.close();
        Optional<LinuxAccount> account = LinuxAccounts.lookup(name);
        if (account.isPresent()) {
            HostLeftovers.processesOf(account.get().uid()).forEach(ProcessHandle::destroyForcibly);
            Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "S (sleeping),     995\t995\t995\t995, true",
        "R (running),      0\t995\t995\t995,   true",
        "S (sleeping),     0\t0\t995\t0,       true",
        "S (sleeping),     0\t0\t0\t995,       false",
        "Z (zombie),       995\t995\t995\t995, false",
        "S (sleeping),     9950\t9950\t9950\t9950, false",
        "S (sleeping),     99\t99\t99\t99,     false"})
    void aProcessCountsByItsRealEffectiveOrSavedUidUnlessItIsAZombie(String state, String uids, boolean counts) {
        assertEquals(counts, HostLeftovers.isLiveProcessOf(STATUS.formatted(state, uids), 995));
    }

    @Test
    void guestCgroupsAreReadFromV1AndV2Lines() {
        String uuid = "c3597f2f-ed75-4522-97c8-485f260e8916";
        assertEquals(Set.of("kvm-portal/" + uuid), HostLeftovers.guestCgroups("4:memory:/kvm-portal/" + uuid + "\n"
                + "3:cpuset:/\n2:cpuacct:/kvm-portal/" + uuid + "\n1:cpu:/kvm-portal/" + uuid + "\n"));
        assertEquals(Set.of("kvmptest-abc123/" + uuid), HostLeftovers.guestCgroups("0::/kvmptest-abc123/" + uuid));
        assertEquals(Set.of(), HostLeftovers.guestCgroups("0::/user.slice/session-3.scope\n4:memory:/\n"
                + "0::/" + uuid + "\n"));
    }

    @Test
    void killsWhatRunsAsTheAccountThenRemovesItsKvmEntryAndTheAccount() throws Exception {
        LinuxAccount account = new LinuxAccounts(InstallationId.random()).ensure(name);
        kvm.grant(name);
        assertTrue(kvm.grants().stream().anyMatch(g -> g.user().equals(name.value())), kvm.grants().toString());
        child = new ProcessBuilder(asAccount(account, "sleep", "300")).start();
        List<String> detached = new java.util.ArrayList<>(List.of("setsid", "--fork"));
        detached.addAll(asAccount(account, "sleep", "301"));
        assertEquals(0, new ProcessBuilder(detached).start().waitFor());
        awaitProcesses(account.uid(), 2);

        HostLeftovers.Removed removed = HostLeftovers.removeAccountOf(login, kvm);

        assertEquals(2, removed.killedPids().size(), removed.toString());
        assertTrue(removed.accountRemoved());
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child was killed");
        for (long pid : removed.killedPids()) {
            assertTrue(!Files.exists(Path.of("/proc/" + pid)) || Files.readString(Path.of("/proc/" + pid + "/status"))
                    .contains("State:\tZ"), "process " + pid + " is gone");
        }
        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));
        List<String> grantees = kvm.grants().stream().map(KvmGrant::user).toList();
        assertFalse(grantees.contains(name.value()) || grantees.contains(Integer.toString(account.uid())),
                node + " still has an entry for it: " + grantees);
        assertTrue(HostLeftovers.removeAccountOf(login, kvm).nothing(), "a second time finds nothing");
    }

    /** Unlike the portal, which removes only accounts of its own installation: a test's are all the test's. */
    @Test
    void removesAnAccountWithoutAMarkToo() {
        ForeignAccount.create(name, null);

        HostLeftovers.Removed removed = HostLeftovers.removeAccountOf(login);

        assertTrue(removed.accountRemoved(), removed.toString());
        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));
    }

    @Test
    void touchesNoLoginButTestLogins() {
        assertThrows(IllegalArgumentException.class, () -> HostLeftovers.removeAccountOf("alice"));
    }

    private static List<String> asAccount(LinuxAccount account, String... argv) {
        List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + account.uid(),
                "--regid=" + account.gid(), "--clear-groups", "--"));
        command.addAll(List.of(argv));
        return command;
    }

    private static void awaitProcesses(int uid, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (HostLeftovers.processesOf(uid).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(count, HostLeftovers.processesOf(uid).size());
    }
}
