package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.AsAccount;
import io.kvmportal.host.testing.KvmHostKind;
import io.kvmportal.host.testing.TestKvmNode;
import io.kvmportal.host.testing.TestNames;

/**
 * Grants on a stand-in node each test makes (so they hold on every kind of host, with or without /dev/kvm), checked
 * twice: in getfacl's listing and by a child running as the account that asks the kernel whether it may open the
 * node read-write. One test grants the real /dev/kvm, and expects what the kind of host it finds allows.
 */
class KvmAccessTest {
    private final LinuxAccounts accounts = new LinuxAccounts(InstallationId.random());
    private final List<LinuxAccountName> created = new ArrayList<>();
    private TestKvmNode node;
    private KvmAccess access;

    @BeforeEach
    void node() throws Exception {
        node = TestKvmNode.create();
        access = new KvmAccess(node.path());
    }

    @AfterEach
    void removeNodeAndAccounts() throws Exception {
        // The node goes first: an entry left behind would name the next account that gets the uid.
        node.close();
        for (LinuxAccountName name : created) {
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

        assertTrue(getfacl(node.path()).contains("user:" + account.name() + ":rw-"), getfacl(node.path()));
        assertTrue(access.grants().contains(new KvmGrant(account.name().value(), true, true)), access.grants().toString());
        assertTrue(AsAccount.canReadWrite(account.uid(), account.gid(), node.toString()));

        access.revoke(account.name());

        assertFalse(getfacl(node.path()).contains(account.name().value()), getfacl(node.path()));
        assertFalse(AsAccount.canReadWrite(account.uid(), account.gid(), node.toString()));
    }

    @Test
    void anAccountNeverGrantedCannotOpenKvm() {
        LinuxAccount account = newAccount();

        assertFalse(AsAccount.canReadWrite(account.uid(), account.gid(), node.toString()));
        assertTrue(access.grants().stream().noneMatch(g -> g.user().equals(account.name().value())));
    }

    @Test
    void reapplyGrantsEveryAccountAfterTheAclWasLost() throws Exception {
        LinuxAccount first = newAccount();
        LinuxAccount second = newAccount();
        access.reapply(List.of(first.name(), second.name()));
        // What a module reload does to the device: the node is made anew, and the entries are gone with the old one.
        Files.delete(node.path());
        Files.createFile(node.path());
        Files.setPosixFilePermissions(node.path(), PosixFilePermissions.fromString("rw-rw----"));
        assertFalse(AsAccount.canReadWrite(first.uid(), first.gid(), node.toString()), getfacl(node.path()));

        access.reapply(List.of(first.name(), second.name(), first.name()));

        assertTrue(AsAccount.canReadWrite(first.uid(), first.gid(), node.toString()));
        assertTrue(AsAccount.canReadWrite(second.uid(), second.gid(), node.toString()));
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

    /** Removing the account before its entry is what the order above avoids: the entry stays, as a bare uid. */
    @Test
    void removeWithoutRevokeLeavesABareUid() {
        LinuxAccount account = newAccount();
        access.grant(account.name());

        accounts.remove(account.name(), () -> { });

        assertTrue(access.grants().contains(new KvmGrant(Integer.toString(account.uid()), true, true)),
                access.grants().toString());
    }

    /**
     * The production path, /dev/kvm itself: where the host has the node, a grant lets the account open it and a
     * revoke takes that back; where it has none, both do nothing and make no node.
     */
    @Test
    void theRealDeviceIsGrantedWhereTheHostHasOne() {
        LinuxAccount account = newAccount();
        KvmAccess real = new KvmAccess();
        boolean device = KvmHostKind.observed() != KvmHostKind.NO_DEVICE;
        try {
            real.grant(account.name());

            assertEquals(device, real.grants().contains(new KvmGrant(account.name().value(), true, true)),
                    KvmHostKind.observed() + ": " + real.grants());
            assertEquals(device, AsAccount.canReadWrite(account.uid(), account.gid(), KvmHostKind.DEVICE.toString()));

            real.revoke(account.name());

            assertEquals(device && KvmHostKind.openToEveryone(),
                    AsAccount.canReadWrite(account.uid(), account.gid(), KvmHostKind.DEVICE.toString()));
            assertTrue(real.grants().stream().noneMatch(g -> g.user().equals(account.name().value())));
            assertEquals(device, Files.exists(KvmHostKind.DEVICE), "no node is made where there was none");
        } finally {
            if (Files.exists(KvmHostKind.DEVICE)) {
                Command.run(List.of("setfacl", "-x", "u:" + account.name(), "--", KvmHostKind.DEVICE.toString()),
                        Duration.ofSeconds(10));
            }
        }
    }

    /** A host without KVM still runs guests under TCG: with no device there is nothing to grant or revoke. */
    @Test
    void withoutTheDeviceGrantsAndRevokesDoNothing() {
        KvmAccess none = new KvmAccess(node.missing());
        LinuxAccount account = newAccount();

        none.grant(account.name());
        none.reapply(List.of(account.name()));
        none.revoke(account.name());

        assertEquals(List.of(), none.grants());
        assertFalse(Files.exists(node.missing()));
    }

    /** setfacl reads, changes and writes the ACL back: grants at once for different accounts must all stay. */
    @Test
    void grantsAtOnceForDifferentAccountsAllStay() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
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
        }
    }

    private static void awaitQuietly(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String getfacl(Path file) {
        return Command.runChecked(List.of("getfacl", "-p", "--omit-header", "--", file.toString()),
                Duration.ofSeconds(10));
    }
}
