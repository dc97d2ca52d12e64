package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.AsAccount;
import io.kvmportal.host.testing.TestNames;

/**
 * Grants on the real /dev/kvm, checked twice: in getfacl's listing and by a child running as the
 * account that asks the kernel whether it may open the device read-write.
 */
class KvmAccessTest {
    private static final String KVM = "/dev/kvm";
    private final LinuxAccounts accounts = new LinuxAccounts(InstallationId.random());
    private final KvmAccess access = new KvmAccess();
    private final List<LinuxAccountName> created = new ArrayList<>();

    @AfterEach
    void revokeAndRemove() {
        // Revoke first: an entry left behind would name the next account that gets the uid.
        for (LinuxAccountName name : created) {
            Command.run(List.of("setfacl", "-x", "u:" + name.value(), KVM), Duration.ofSeconds(10));
            Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
        }
    }

    private LinuxAccount newAccount() {
        LinuxAccountName name = LinuxAccountName.of(TestNames.random());
        created.add(name);
        return accounts.ensure(name);
    }

    @Test
    void grantLetsTheAccountOpenKvmAndRevokeTakesItBack() {
        LinuxAccount account = newAccount();

        access.grant(account.name());

        assertTrue(getfacl().contains("user:" + account.name() + ":rw-"), getfacl());
        assertTrue(access.grants().contains(new KvmGrant(account.name().value(), true, true)), access.grants().toString());
        assertTrue(AsAccount.canReadWrite(account.uid(), account.gid(), KVM));

        access.revoke(account.name());

        assertFalse(getfacl().contains(account.name().value()), getfacl());
        assertFalse(AsAccount.canReadWrite(account.uid(), account.gid(), KVM));
    }

    @Test
    void anAccountNeverGrantedCannotOpenKvm() {
        LinuxAccount account = newAccount();

        assertFalse(AsAccount.canReadWrite(account.uid(), account.gid(), KVM));
        assertTrue(access.grants().stream().noneMatch(g -> g.user().equals(account.name().value())));
    }

    @Test
    void reapplyGrantsEveryAccountAfterTheAclWasLost() {
        LinuxAccount first = newAccount();
        LinuxAccount second = newAccount();
        access.reapply(List.of(first.name(), second.name()));
        // What a recreated device node looks like: the entries are gone.
        access.revoke(first.name());
        access.revoke(second.name());

        access.reapply(List.of(first.name(), second.name(), first.name()));

        assertTrue(AsAccount.canReadWrite(first.uid(), first.gid(), KVM));
        assertTrue(AsAccount.canReadWrite(second.uid(), second.gid(), KVM));
        assertEquals(1, access.grants().stream().filter(g -> g.user().equals(first.name().value())).count());
    }

    @Test
    void revokeThenRemoveLeavesNoBareUid() {
        LinuxAccount account = newAccount();
        access.grant(account.name());

        access.revoke(account.name());
        accounts.remove(account.name(), () -> { });

        assertTrue(access.grants().stream().noneMatch(g -> g.user().equals(Integer.toString(account.uid()))),
                access.grants().toString());
    }

    /** A host without KVM still runs guests under TCG: with no device there is nothing to grant or revoke. */
    @Test
    void withoutTheDeviceGrantsAndRevokesDoNothing() throws Exception {
        Path dir = TestNames.tempDirectory();
        try {
            KvmAccess none = new KvmAccess(dir.resolve("kvm"));
            LinuxAccount account = newAccount();

            none.grant(account.name());
            none.reapply(List.of(account.name()));
            none.revoke(account.name());

            assertEquals(List.of(), none.grants());
            assertFalse(Files.exists(dir.resolve("kvm")));
        } finally {
            TestNames.deleteTree(dir);
        }
    }

    /** setfacl reads, changes and writes the ACL back: grants at once for different accounts must all stay. */
    @Test
    void grantsAtOnceForDifferentAccountsAllStay() throws Exception {
        Path dir = TestNames.tempDirectory();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Path device = Files.createFile(dir.resolve("kvm"));
            KvmAccess access = new KvmAccess(device);
            List<LinuxAccount> accounts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                accounts.add(newAccount());
            }
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> grants = accounts.stream().map(a -> CompletableFuture.runAsync(() -> {
                awaitQuietly(go);
                access.grant(a.name());
            }, pool)).toList();
            go.countDown();
            CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

            Set<String> granted = access.grants().stream().map(KvmGrant::user).collect(Collectors.toSet());
            assertEquals(accounts.stream().map(a -> a.name().value()).collect(Collectors.toSet()), granted);
        } finally {
            pool.shutdownNow();
            TestNames.deleteTree(dir);
        }
    }

    private static void awaitQuietly(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String getfacl() {
        return Command.runChecked(List.of("getfacl", "-p", "--omit-header", KVM), Duration.ofSeconds(10));
    }
}
