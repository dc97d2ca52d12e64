package io.kvmportal.host.account;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * they share nothing with each other.
 */
public final class LinuxAccounts {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** getent(1): "One or more supplied key could not be found in the database." */
    private static final int GETENT_NOT_FOUND = 2;
    /** userdel(8): "specified user doesn't exist". */
    private static final int USERDEL_NO_SUCH_USER = 6;

    /** The account called {@code name}, if one exists; refused if it is root-like. */
    public Optional<LinuxAccount> lookup(LinuxAccountName name) {
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
     * The account called {@code name}, created first if missing. Two callers may race to create it:
     * useradd then fails for the loser, who finds the winner's account and returns it.
     */
    public LinuxAccount ensure(LinuxAccountName name) {
        Optional<LinuxAccount> existing = lookup(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        CommandResult created = Command.run(List.of("useradd", "--system", "--no-create-home",
                "--shell", "/usr/sbin/nologin", "--user-group", name.value()), TIMEOUT);
        return lookup(name).orElseThrow(() -> new CommandException(created.argv(),
                "exit " + created.exitCode() + ", and no account " + name + " afterwards: " + created.output().strip(), null));
    }

    /**
     * Deletes the account and its user group. Returns false if there was no such account. Revoke its
     * /dev/kvm grant first ({@link KvmAccess#revoke}): an ACL entry would outlive it as a bare uid.
     */
    public boolean remove(LinuxAccountName name) {
        if (lookup(name).isEmpty()) {
            return false;
        }
        CommandResult result = Command.run(List.of("userdel", name.value()), TIMEOUT);
        if (result.exitCode() == USERDEL_NO_SUCH_USER) {
            return false;
        }
        if (result.exitCode() != 0) {
            throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(), null);
        }
        return true;
    }

    /**
     * Parses getent's answer strictly: exactly one line of seven fields, naming the account asked for,
     * with plain decimal ids. Anything else is an error, not a guess.
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
        return new LinuxAccount(name, parseId(name, "uid", fields[2]), parseId(name, "gid", fields[3]));
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
