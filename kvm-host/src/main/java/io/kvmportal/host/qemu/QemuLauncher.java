package io.kvmportal.host.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a guest's QEMU from its spec. Not {@code -daemonize} (it fails under the sandbox options):
 * {@code setsid} comes first in the argument list, so QEMU leads a session of its own and outlives a
 * portal restart, with stdin from /dev/null and its messages appended to {@code qemu.log}. The JVM
 * never leads a process group for its children, so setsid(1) execs in place and the pid we hold is
 * QEMU's own.
 */
public final class QemuLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(QemuLauncher.class);
    static final String SETSID = "setsid";

    private QemuLauncher() {
    }

    /** The whole argument list {@link #start} runs. */
    public static List<String> argv(GuestSpec spec) {
        List<String> argv = new ArrayList<>();
        argv.add(SETSID);
        argv.addAll(QemuCommandLine.argv(spec));
        return List.copyOf(argv);
    }

    public static Process start(GuestSpec spec) throws IOException {
        Path dir = spec.runDirectory();
        Files.createDirectories(dir);
        // The sockets inside give control of the guest: nobody but the owner may reach them.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        List<String> argv = argv(spec);
        LOG.info("spawn {}", argv);
        return new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qemu.log").toFile()))
                .start();
    }
}
