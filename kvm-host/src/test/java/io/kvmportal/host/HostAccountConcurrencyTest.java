package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.guest.GuestCommandException;
import io.kvmportal.host.image.GuestDisk;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many first guests of a new user at once, as 40 parallel creates through the API make them: every disk belongs to
 * the one account the login ends up with. useradd (shadow 4.13) looks for the name before it locks /etc/passwd and
 * then writes its entry over an existing one of that name, so racing useradds each "succeed" and the account's uid
 * changes under callers that already looked it up; the host serializes a login's changes so that cannot happen.
 * Different logins at once all get accounts of their own.
 */
class HostAccountConcurrencyTest {
    private static final int PARALLEL = 16;
    private static final long DISK_BYTES = 1024 * 1024;
    private final List<String> logins = new ArrayList<>();
    private ExecutorService pool;
    private Path dataDir;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        host = new Host(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.TCG, Duration.ofSeconds(60),
                TestNames.random()), (guest, exit) -> { });
        pool = Executors.newFixedThreadPool(PARALLEL);
    }

    @AfterEach
    void removeEverything() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        try {
            host.close();
        } finally {
            logins.forEach(HostLeftovers::removeAccountOf);
            TestNames.deleteTree(dataDir);
        }
    }

    @Test
    void parallelFirstDisksOfOneNewLoginAllBelongToItsOneAccount() throws Exception {
        String login = newLogin();
        List<GuestDisk> disks = inParallel(PARALLEL,
                i -> () -> host.createDisk(UUID.randomUUID(), login, Optional.empty(), DISK_BYTES));

        LinuxAccount account = LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).orElseThrow();
        List<String> wrong = new ArrayList<>();
        for (GuestDisk disk : disks) {
            int owner = (Integer) Files.getAttribute(disk.path(), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != account.uid()) {
                wrong.add(disk.path().getParent().getFileName() + " uid " + owner);
            }
        }
        assertEquals(List.of(), wrong, "disks not owned by " + account.name() + " (uid " + account.uid() + ")");
    }

    @Test
    void parallelPreparesOfOneNewLoginAnswerTheOneAccountItKeeps() throws Exception {
        String login = newLogin();
        List<LinuxAccount> answers = inParallel(PARALLEL, i -> () -> host.prepareAccount(login));

        LinuxAccount kept = LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).orElseThrow();
        assertEquals(Set.of(kept), new HashSet<>(answers));
    }

    @Test
    void newLoginsAtOnceEachGetAnAccountOfTheirOwn() throws Exception {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(newLogin());
        }
        List<LinuxAccount> accounts = inParallel(batch.size(), i -> () -> host.prepareAccount(batch.get(i)));

        Map<Integer, LinuxAccount> byUid = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            LinuxAccount kept = LinuxAccounts.lookup(LinuxAccountName.forLogin(batch.get(i))).orElseThrow();
            assertEquals(kept, accounts.get(i));
            assertTrue(byUid.put(kept.uid(), kept) == null, "uid " + kept.uid() + " twice: " + byUid);
        }
    }

    /** A disk some other uid owns (as racing useradds left them) is refused in words, before QEMU fails on it. */
    @Test
    void aGuestWhoseDiskAnotherUidOwnsIsNotStartedAndTheAnswerSaysWhy() throws Exception {
        String login = newLogin();
        UUID guest = UUID.randomUUID();
        GuestDisk disk = host.createDisk(guest, login, Optional.empty(), DISK_BYTES);
        Files.setAttribute(disk.path(), "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

        GuestCommandException refused = assertThrows(GuestCommandException.class, () -> host.start(
                new GuestDefinition(guest, "kvmptest-stray", login, 1, 128, new BootSource.FromDisk(), Nic.USER)));

        LinuxAccount account = LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).orElseThrow();
        assertEquals(GuestCommandException.Kind.START_FAILED, refused.kind());
        assertEquals("The guest's disk belongs to uid 65534, not to its account " + account.name() + " (uid "
                + account.uid() + "), so the guest cannot open it; an administrator must give the disk back to the"
                + " account.", refused.getMessage());
    }

    private String newLogin() {
        String login = TestNames.random();
        logins.add(login);
        return login;
    }

    /** Runs {@code count} tasks released together, and answers their results in order (or the first failure). */
    private <T> List<T> inParallel(int count, Function<Integer, Callable<T>> task) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Callable<T> call = task.apply(i);
            futures.add(pool.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(5, TimeUnit.MINUTES));
        }
        return results;
    }
}
