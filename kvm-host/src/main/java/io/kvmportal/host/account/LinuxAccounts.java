package io.kvmportal.host.account;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.exec.CommandResult;

/**
 * Looks up, creates and removes the Linux accounts guests run as. Needs root for create and remove.
 *
 * <p>Which accounts are accepted: any whose name passes {@link LinuxAccountName} and whose uid and gid
 * are not 0. An administrator may name an existing account (even a person's, with a login shell): that
 * is a deliberate choice, and the account then owns its guests as it owns its other files. Accounts
 * kvm-portal creates are system accounts with no home and no login shell, in a group of their own, so
 * they share nothing with each other, and they carry this installation's mark ({@link InstallationId})
 * in their GECOS field. Only those are ever removed: an adopted account is never marked, so it outlives
 * its portal user as it was there before it.
 */
public final class LinuxAccounts {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** getent(1): "One or more supplied key could not be found in the database." */
    private static final int GETENT_NOT_FOUND = 2;
    /** userdel(8): "specified user doesn't exist". */
    private static final int USERDEL_NO_SUCH_USER = 6;
    /** What shadow's tools say when another program holds /etc/passwd.lock (or group's, shadow's): no waiting. */
    private static final String LOCKED = "cannot lock";
    private static final int LOCK_TRIES = 6;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    /**
     * useradd and userdel of this process, one at a time, whatever the login: they rewrite the same account
     * files, and a tool that finds another one's lock file gives up at once ("cannot lock /etc/passwd; try again
     * later"). Accounts are created once per user, so the wait is short and rare.
     */
    private static final ReentrantLock ACCOUNT_FILES = new ReentrantLock();

    private final InstallationId installation;

    /** Accounts as the installation {@code installation} creates, marks and removes them. */
    public LinuxAccounts(InstallationId installation) {
        this.installation = Objects.requireNonNull(installation, "installation");
    }

    /** The account called {@code name}, if one exists, whoever made it; refused if it is root-like. */
    public static Optional<LinuxAccount> lookup(LinuxAccountName name) {
        CommandResult result = Command.run(List.of("getent", "passwd", name.value()), TIMEOUT);
        if (result.exitCode() == GETENT_NOT_FOUND) {
            return Optional.empty();
        }
        if (result.exitCode() != 0) {
            throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(), null);
        }
        return Optional.of(parsePasswdLine(name, result.output()));
    }

    /**
     * The account called {@code name}, created first if missing, with this installation's mark. An existing
     * account is adopted as it is, unmarked.
     *
     * <p>Callers must not run this for the same name at once (the host serializes a login's changes, see
     * {@link LoginLocks}): shadow's useradd looks for the name before it locks /etc/passwd and then writes its
     * entry over any of that name, so racing useradds each succeed, each with a new uid, and a caller that already
     * looked up the first uid hands out files the account no longer owns. Another program racing us still fails
     * useradd for the loser, who finds the winner's account and returns it.
     */
    public LinuxAccount ensure(LinuxAccountName name) {
        Optional<LinuxAccount> existing = lookup(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        CommandResult created = changeAccountFiles(List.of("useradd", "--system", "--no-create-home",
                "--shell", "/usr/sbin/nologin", "--user-group", "--comment", installation.comment(), name.value()));
        return lookup(name).orElseThrow(() -> new CommandException(created.argv(),
                "exit " + created.exitCode() + ", and no account " + name + " afterwards: " + created.output().strip(), null));
    }

    /**
     * Deletes the account and its user group if this installation created it; any other account of that name is
     * left in place, and the answer says why. {@code beforeDeletion} runs only once the account is known to be
     * this installation's, right before userdel: revoke its /dev/kvm grant there ({@link KvmAccess#revoke}), as
     * an ACL entry would outlive the account as a bare uid.
     */
    public AccountRemoval remove(LinuxAccountName name, Runnable beforeDeletion) {
        Optional<LinuxAccount> account = lookup(name);
        if (account.isEmpty()) {
            return AccountRemoval.NO_ACCOUNT;
        }
        if (!account.get().createdBy(installation)) {
            return account.get().mark().isPresent() ? AccountRemoval.LEFT_OTHER_INSTALLATION
                    : AccountRemoval.LEFT_UNMARKED;
        }
        beforeDeletion.run();
        CommandResult result = changeAccountFiles(List.of("userdel", name.value()));
        if (result.exitCode() == USERDEL_NO_SUCH_USER) {
            return AccountRemoval.NO_ACCOUNT;
        }
        if (result.exitCode() != 0) {
            throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(), null);
        }
        return AccountRemoval.REMOVED;
    }

    /**
     * Runs useradd or userdel alone among this process's account changes; if another program holds the account
     * files' lock, tries again a few times with a growing pause (about 3 s in all) before answering its refusal.
     */
    private static CommandResult changeAccountFiles(List<String> argv) {
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            CommandResult result;
            ACCOUNT_FILES.lock();
            try {
                result = Command.run(argv, TIMEOUT);
            } finally {
                ACCOUNT_FILES.unlock();
            }
            if (result.exitCode() == 0 || !result.output().contains(LOCKED) || attempt == LOCK_TRIES) {
                return result;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
            backoff *= 2;
        }
    }

    /**
     * Parses getent's answer strictly: exactly one line of seven fields, naming the account asked for,
     * with plain decimal ids. Anything else is an error, not a guess. The GECOS field is this portal's
     * mark only if it is exactly one ({@link InstallationId#fromComment}); anything else there is no mark.
     */
    static LinuxAccount parsePasswdLine(LinuxAccountName name, String output) {
        if (!output.endsWith("\n") || output.indexOf('\n') != output.length() - 1) {
            throw new AccountRefusedException("getent passwd " + name + ": expected one line, got " + output.lines().count());
        }
        String[] fields = output.substring(0, output.length() - 1).split(":", -1);
        if (fields.length != 7) {
            throw new AccountRefusedException("getent passwd " + name + ": expected 7 fields, got " + fields.length);
        }
        if (!fields[0].equals(name.value())) {
            throw new AccountRefusedException("getent passwd " + name + ": answered for another account");
        }
        return new LinuxAccount(name, parseId(name, "uid", fields[2]), parseId(name, "gid", fields[3]),
                InstallationId.fromComment(fields[4]));
    }

    private static int parseId(LinuxAccountName name, String what, String field) {
        // Integer.parseInt would accept "+5"; ids are 1-10 plain digits and must fit an int.
        if (!field.matches("[0-9]{1,10}")) {
            throw new AccountRefusedException("getent passwd " + name + ": " + what + " \"" + field + "\" is not a number");
        }
        long id = Long.parseLong(field);
        if (id > Integer.MAX_VALUE) {
            throw new AccountRefusedException("getent passwd " + name + ": " + what + " " + id + " is out of range");
        }
        return (int) id;
    }
}
