package io.kvmportal.host.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.Processes;
import io.kvmportal.host.kvm.Signal;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.QemuLauncher;
import io.kvmportal.host.qemu.QmpClient;
import io.kvmportal.host.qemu.RunAs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real QEMU running the test guest under TCG, in a run directory {@code /tmp/kvmptest-*}. Close it
 * (in @AfterEach or finally): QEMU is killed and the directory removed, whatever the test did.
 */
public final class TestGuest implements AutoCloseable {
    public static final String BANNER = "PORTAL-TEST-GUEST READY";
    private static final Logger LOG = LoggerFactory.getLogger(TestGuest.class);

    private final GuestSpec spec;
    private final Process process;
    private final long startedNanos;
    /** QEMU is not {@link #process} (that was setsid --fork) but an orphan found by its pid file. */
    private final boolean detached;
    private QmpClient qmp;
    private final TestSerialConsole serial;

    private TestGuest(GuestSpec spec, Process process, long startedNanos, boolean detached) {
        this.spec = spec;
        this.process = process;
        this.startedNanos = startedNanos;
        this.detached = detached;
        this.serial = new TestSerialConsole(spec.serialSocket(), spec.serialLog(), () -> detached || process.isAlive());
    }

    /** Starts the test guest as root, with a qcow2 overlay of its base disk. */
    public static TestGuest start(String name) throws IOException {
        return start(name, Optional.empty());
    }

    /**
     * Starts the test guest as {@code runAs}. That account cannot read root's cache, so the guest's
     * files are copied into the run directory first (kernel, initrd, and the base under the overlay).
     */
    public static TestGuest start(String name, Optional<RunAs> runAs) throws IOException {
        return start(name, runAs, false, spec -> QemuLauncher.start(spec, runAs));
    }

    /**
     * Starts the test guest as a portal restart leaves it: not the JVM's child. {@code setsid --fork}
     * forks QEMU off and exits, so QEMU is reparented to PID 1.
     */
    public static TestGuest startDetached(String name) throws IOException, InterruptedException {
        TestGuest guest = start(name, Optional.empty(), true, spec -> {
            List<String> argv = new ArrayList<>(QemuLauncher.argv(spec, Optional.empty()));
            argv.add(1, "--fork");
            return spawn(argv, spec);
        });
        if (!guest.process.waitFor(10, TimeUnit.SECONDS) || guest.process.exitValue() != 0) {
            guest.close();
            throw new IOException("setsid --fork did not exit 0");
        }
        return guest;
    }

    /** For control experiments only: starts QEMU (as root) from an edited copy of the launcher's argv. */
    public static TestGuest startWithEditedArgv(String name, UnaryOperator<List<String>> edit) throws IOException {
        return start(name, Optional.empty(), false,
                spec -> spawn(edit.apply(new ArrayList<>(QemuLauncher.argv(spec, Optional.empty()))), spec));
    }

    private interface Launch {
        Process start(GuestSpec spec) throws IOException;
    }

    private static TestGuest start(String name, Optional<RunAs> runAs, boolean detached, Launch launch) throws IOException {
        TestGuestImage image = TestGuestImage.get();
        Path dir = Files.createTempDirectory("kvmptest-");
        try {
            Path kernel = runAs.isPresent() ? copyReadable(image.kernel(), dir) : image.kernel();
            Path initrd = runAs.isPresent() ? copyReadable(image.initrd(), dir) : image.initrd();
            Path base = runAs.isPresent() ? copyReadable(image.baseDisk(), dir) : image.baseDisk();
            Path disk = dir.resolve("disk.qcow2");
            Command.runChecked(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                    "-b", base.toString(), disk.toString()), Duration.ofSeconds(30));
            if (runAs.isPresent()) {
                Files.setAttribute(disk, "unix:uid", runAs.get().uid());
            }
            GuestSpec spec = GuestSpec.builder().name(name).uuid(UUID.randomUUID()).memoryMib(256).disk(disk)
                    .boot(new BootSource.FromKernel(kernel, initrd, "console=tty1 console=ttyS0 quiet"))
                    .accelerator(Accelerator.TCG).runDirectory(dir).build();
            long started = System.nanoTime();
            return new TestGuest(spec, launch.start(spec), started, detached);
        } catch (IOException | RuntimeException e) {
            TestGuestImage.deleteTree(dir);
            throw e;
        }
    }

    private static Process spawn(List<String> argv, GuestSpec spec) throws IOException {
        LOG.info("spawn {}", argv);
        return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(spec.runDirectory().resolve("qemu.log").toFile()).start();
    }

    private static Path copyReadable(Path file, Path dir) throws IOException {
        Path copy = dir.resolve(file.getFileName());
        Files.copy(file, copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--r--r--"));
        return copy;
    }

    public GuestSpec spec() {
        return spec;
    }

    /** The JVM's child: QEMU itself, or for a detached guest the setsid that forked it. */
    public Process process() {
        return process;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** Connects (once) to QMP; QEMU creates the socket shortly after exec. */
    public QmpClient qmp() {
        if (qmp == null) {
            qmp = QmpClient.connect(spec.qmpSocket(), Duration.ofSeconds(30));
        }
        return qmp;
    }

    /** The serial console; its reads fail early if QEMU (when it is our child) has exited. */
    public TestSerialConsole serial() {
        return serial;
    }

    public String qemuLog() throws IOException {
        Path log = spec.runDirectory().resolve("qemu.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (qmp != null) {
                qmp.close();
            }
            serial.close();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            if (detached) {
                killDetached();
            }
            TestGuestImage.deleteTree(spec.runDirectory());
        }
    }

    /** Kills the orphan by pid, if the pid still runs this guest's -uuid, and waits until /proc says gone. */
    private void killDetached() throws IOException, InterruptedException {
        Path pidFile = spec.pidFile();
        if (!Files.exists(pidFile)) {
            return;
        }
        int pid = Integer.parseInt(Files.readString(pidFile).strip());
        Path cmdline = Path.of("/proc", Integer.toString(pid), "cmdline");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
                .contains(spec.uuid().toString()) && System.nanoTime() < deadline) {
            Processes.signal(pid, Signal.KILL);
            Thread.sleep(20);
        }
    }
}
