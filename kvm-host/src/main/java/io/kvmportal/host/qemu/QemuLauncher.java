package io.kvmportal.host.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kvmportal.host.kvm.GuestLogFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a guest's QEMU from its spec. Not {@code -daemonize} (it fails under the sandbox options):
 * {@code setsid} comes first in the argument list, so QEMU leads a session of its own and outlives a
 * portal restart, with stdin from /dev/null and its messages appended to {@code qemu.log}. The JVM
 * never leads a process group for its children, so setsid(1) execs in place, as does setpriv(1), and
 * the pid we hold is QEMU's own.
 *
 * <p>With a {@link RunAs}, setpriv drops to the account before QEMU runs: its uid and gid, no
 * supplementary groups, and no_new_privs, so nothing QEMU execs can regain privilege. The run
 * directory then belongs to that account (mode 0700): QEMU creates its sockets and pid file there.
 */
public final class QemuLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(QemuLauncher.class);
    static final String SETSID = "/usr/bin/setsid";
    static final String SETPRIV = "/usr/bin/setpriv";

    private QemuLauncher() {
    }

    /** The whole argument list {@link #start} runs. */
    public static List<String> argv(GuestSpec spec, Optional<RunAs> runAs) {
        List<String> argv = new ArrayList<>();
        argv.add(SETSID);
        runAs.ifPresent(account -> argv.addAll(List.of(SETPRIV, "--reuid=" + account.uid(), "--regid=" + account.gid(),
                "--clear-groups", "--no-new-privs", "--")));
        argv.addAll(QemuCommandLine.argv(spec));
        return List.copyOf(argv);
    }

    public static Process start(GuestSpec spec, Optional<RunAs> runAs) throws IOException {
        Path dir = spec.runDirectory();
        Files.createDirectories(dir);
        // The sockets inside give control of the guest: nobody but the owner may reach them.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (runAs.isPresent()) {
            chown(dir, runAs.get());
        }
        List<String> argv = argv(spec, runAs);
        LOG.info("spawn {}", argv);
        // The account may have planted anything as qemu.log: root appends QEMU's output only to the file checked here.
        try (GuestLogFile log = GuestLogFile.openForAppend(dir.resolve("qemu.log"), runAs.map(RunAs::uid).orElse(0),
                runAs.map(RunAs::gid).orElse(0))) {
            return new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.path().toFile()))
                    .start();
        }
    }

    private static void chown(Path path, RunAs account) throws IOException {
        Files.setAttribute(path, "unix:uid", account.uid());
        Files.setAttribute(path, "unix:gid", account.gid());
    }
}
