package io.kvmportal.host.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.exec.CommandResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort of a test that ran a portal (or a {@code Host}) for a login of its own: whatever of that login
 * is still on the host is ended and removed, in the order the host needs. First every process running as
 * {@code kvmp-<login>} (guests' QEMUs that outlived the portal, as guests are meant to) is killed and the cgroups
 * they ran in are removed; then the account's /dev/kvm entry is revoked (an entry would outlive the account as a
 * bare uid); then the account itself goes (userdel refuses while a process runs as it).
 *
 * <p>Only for logins named {@code kvmptest-*} that the caller made: other people's tests run on the same machine
 * at the same time, each with logins of its own. The account goes whoever made it, unlike the portal's own removal:
 * a test's portal marks accounts with the id of its temporary data directory, long gone by now, and some tests make
 * unmarked ones with useradd on purpose.
 */
public final class HostLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(HostLeftovers.class);
    private static final Duration PROCESS_EXIT = Duration.ofSeconds(20);
    private static final Duration USERDEL_TIMEOUT = Duration.ofSeconds(30);
    /** userdel(8): "specified user doesn't exist". */
    private static final int USERDEL_NO_SUCH_USER = 6;
    /** A guest's cgroup: {@code <parent>/<guest uuid>}, the parent being one or more names. */
    private static final Pattern GUEST_CGROUP = Pattern.compile(
            "/((?:[a-z0-9][a-z0-9._-]*/)*[a-z0-9][a-z0-9._-]*)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private HostLeftovers() {
    }

    /** What was still there of one login, now removed. */
    public record Removed(String account, List<Long> killedPids, boolean accountRemoved) {
        public boolean nothing() {
            return killedPids.isEmpty() && !accountRemoved;
        }

        @Override
        public String toString() {
            return account + (nothing() ? ": nothing left" : ": killed " + killedPids + (accountRemoved
                    ? ", removed the account and its /dev/kvm entry" : ""));
        }
    }

    /** Removes what is left of {@code login}'s Linux account, its entry on /dev/kvm too; answers what there was. */
    public static Removed removeAccountOf(String login) {
        return removeAccountOf(login, new KvmAccess());
    }

    /** As {@link #removeAccountOf(String)}, for a test whose host granted {@code kvm}'s node instead of /dev/kvm. */
    public static Removed removeAccountOf(String login, KvmAccess kvm) {
        if (login == null || !login.startsWith("kvmptest-")) {
            throw new IllegalArgumentException("only test logins (kvmptest-*) are cleaned up, not " + login);
        }
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        Optional<LinuxAccount> account = LinuxAccounts.lookup(name);
        if (account.isEmpty()) {
            return new Removed(name.value(), List.of(), false);
        }
        Set<String> cgroups = new LinkedHashSet<>();
        List<Long> killed = killProcessesOf(account.get(), cgroups);
        kvm.revoke(name);
        Removed result = new Removed(name.value(), killed, userdel(name));
        LOG.info("Left behind by a test: {}", result);
        for (String cgroup : cgroups) {
            int slash = cgroup.lastIndexOf('/');
            new GuestCgroups(cgroup.substring(0, slash)).destroy(cgroup.substring(slash + 1));
        }
        return result;
    }

    /** Deletes the account and its group; false if it was gone already. */
    private static boolean userdel(LinuxAccountName name) {
        CommandResult result = Command.run(List.of("userdel", name.value()), USERDEL_TIMEOUT);
        if (result.exitCode() != 0 && result.exitCode() != USERDEL_NO_SUCH_USER) {
            throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(),
                    null);
        }
        return result.exitCode() == 0;
    }

    /** Kills every process running as the account and waits until all are gone; adds the guest cgroups they were in. */
    private static List<Long> killProcessesOf(LinuxAccount account, Set<String> cgroups) {
        List<Long> killed = new ArrayList<>();
        long deadline = System.nanoTime() + PROCESS_EXIT.toNanos();
        for (List<ProcessHandle> left = processesOf(account.uid()); !left.isEmpty();
                left = processesOf(account.uid())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(account.name() + ": processes " + left.stream()
                        .map(ProcessHandle::pid).toList() + " still run after " + PROCESS_EXIT + " of SIGKILL");
            }
            for (ProcessHandle process : left) {
                cgroups.addAll(guestCgroupsOf(process.pid()));
                // The handle knows the process's start time: a pid reused meanwhile is not signalled.
                if (process.destroyForcibly() && !killed.contains(process.pid())) {
                    killed.add(process.pid());
                }
            }
            sleep();
        }
        return killed;
    }

    /** The live processes of {@code uid}, found as userdel(8) finds them; handles taken before their status is read. */
    static List<ProcessHandle> processesOf(int uid) {
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(dir.getFileName().toString()));
                Optional<String> status = read(dir.resolve("status"));
                if (process.isPresent() && status.isPresent() && isLiveProcessOf(status.get(), uid)) {
                    found.add(process.get());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    /**
     * Whether a /proc/<pid>/status text is that of a process running as {@code uid}: its real, effective or saved
     * uid, as userdel checks. A zombie has ended and holds nothing (userdel passes it by), so it does not count.
     */
    static boolean isLiveProcessOf(String status, int uid) {
        boolean ours = false;
        boolean zombie = false;
        for (String line : status.split("\n")) {
            if (line.startsWith("State:")) {
                zombie = line.substring("State:".length()).strip().startsWith("Z");
            } else if (line.startsWith("Uid:")) {
                String[] ids = line.substring("Uid:".length()).strip().split("\\s+");
                for (int i = 0; i < Math.min(3, ids.length); i++) {
                    ours |= ids[i].equals(Integer.toString(uid));
                }
            }
        }
        return ours && !zombie;
    }

    /** The guest cgroups ({@code parent/uuid}) of a process, from /proc/<pid>/cgroup. */
    static Set<String> guestCgroupsOf(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "cgroup")).map(HostLeftovers::guestCgroups).orElse(Set.of());
    }

    /** Lines like {@code 4:memory:/kvm-portal/<uuid>} (v1) or {@code 0::/kvm-portal/<uuid>} (v2). */
    static Set<String> guestCgroups(String procCgroup) {
        Set<String> found = new LinkedHashSet<>();
        for (String line : procCgroup.split("\n")) {
            String[] fields = line.split(":", 3);
            Matcher guest = fields.length == 3 ? GUEST_CGROUP.matcher(fields[2].strip()) : null;
            if (guest != null && guest.matches()) {
                found.add(guest.group(1) + "/" + guest.group(2));
            }
        }
        return found;
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException goneMeanwhile) {
            return Optional.empty();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
