package io.kvmportal.host.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandResult;

/**
 * Runs a program under another account's credentials exactly as QEMU is started (setpriv, no
 * supplementary groups, no_new_privs), so the kernel's own permission check answers what the account
 * may do. Tests ask with /usr/bin/test and /usr/bin/ls, never a shell.
 */
public final class AsAccount {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private AsAccount() {
    }

    public static CommandResult run(int uid, int gid, String... argv) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--no-new-privs", "--"));
        command.addAll(List.of(argv));
        return Command.run(command, TIMEOUT);
    }

    /** Whether the account may open {@code path} for reading and writing. */
    public static boolean canReadWrite(int uid, int gid, String path) {
        return answer(run(uid, gid, "/usr/bin/test", "-r", path, "-a", "-w", path));
    }

    public static boolean canRead(int uid, int gid, String path) {
        return answer(run(uid, gid, "/usr/bin/test", "-r", path));
    }

    // test(1) says "no" with exit 1 and no output; setpriv failing would also exit 1 but print why.
    private static boolean answer(CommandResult result) {
        if (result.exitCode() == 0) {
            return true;
        }
        if (result.exitCode() == 1 && result.output().isBlank()) {
            return false;
        }
        throw new IllegalStateException(result.argv() + " exit " + result.exitCode() + ": " + result.output());
    }
}
