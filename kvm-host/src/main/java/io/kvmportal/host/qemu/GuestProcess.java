package io.kvmportal.host.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.kvmportal.host.kvm.GuestFileReader;
import io.kvmportal.host.kvm.Processes;
import io.kvmportal.host.kvm.Signal;

/**
 * One guest's running QEMU, found through its run directory: right after launch, or after a portal
 * restart, when QEMU is no longer the JVM's child and cannot be waited for. Its end is noticed by QMP
 * end of stream and confirmed in /proc, where a zombie counts as gone: PID 1 on these machines reaps
 * orphans about 2 s late, and waiting for that would only delay the answer.
 *
 * <p>A pid file can outlive its QEMU and the pid be reused, so the process must carry this guest's
 * {@code -uuid} on its command line before it is trusted, and again before it is sent a signal.
 */
public final class GuestProcess implements AutoCloseable {
    private static final Duration EXIT_CONFIRMATION = Duration.ofSeconds(10);
    private static final int MAX_PID_FILE_BYTES = 16;

    private final GuestSpec spec;
    private final int pid;
    private final QmpClient qmp;
    private final ProcessViews views = new ProcessViews();
    private final CompletableFuture<GuestExit> exited = new CompletableFuture<>();
    private volatile QmpEvent shutdown;
    private volatile boolean detached;

    private GuestProcess(GuestSpec spec, int pid, QmpClient qmp) {
        this.spec = spec;
        this.pid = pid;
        this.qmp = qmp;
        qmp.addEventListener(event -> {
            if ("SHUTDOWN".equals(event.name())) {
                shutdown = event;
            }
        });
        qmp.whenClosed().thenRunAsync(this::confirmExit);
    }

    /** Connects to the guest's QMP (waiting up to {@code timeout} for its socket) and checks its pid. */
    public static GuestProcess attach(GuestSpec spec, Duration timeout) {
        // QEMU writes its pid file before it creates the QMP socket, so once QMP answers the file is there.
        QmpClient qmp = QmpClient.connect(spec.qmpSocket(), timeout);
        try {
            int pid = readPid(spec.pidFile());
            if (!isGuestQemu(pid, spec)) {
                throw new GuestNotRunningException("pid " + pid + " from " + spec.pidFile() + " is not QEMU of guest " + spec.uuid());
            }
            return new GuestProcess(spec, pid, qmp);
        } catch (RuntimeException e) {
            qmp.close();
            throw e;
        }
    }

    public int pid() {
        return pid;
    }

    public QmpClient qmp() {
        return qmp;
    }

    /** The process as /proc shows it, CPU as {@code top} would (since the last look); empty once it is gone. */
    public Optional<ProcessView> view() {
        return views.readRecent(pid);
    }

    /** Completes when QEMU has ended, however: powered off, quit, killed, or crashed. */
    public CompletableFuture<GuestExit> whenExited() {
        return exited;
    }

    /** SIGKILL, after checking the pid still is this guest's QEMU. False if it was already gone. */
    public boolean kill() {
        return isGuestQemu(pid, spec) && Processes.signal(pid, Signal.KILL);
    }

    /** Stops watching; QEMU keeps running (as it does when the portal restarts). */
    @Override
    public void close() {
        detached = true;
        qmp.close();
    }

    private void confirmExit() {
        if (detached) {
            return;
        }
        long deadline = System.nanoTime() + EXIT_CONFIRMATION.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessView> view = views.read(pid);
            if (view.isEmpty() || view.get().state().gone()) {
                exited.complete(exit());
                return;
            }
            sleep(10);
        }
        exited.completeExceptionally(new IllegalStateException(
                "QMP of guest " + spec.uuid() + " ended but pid " + pid + " still runs after " + EXIT_CONFIRMATION));
    }

    private GuestExit exit() {
        QmpEvent event = shutdown;
        return event == null
                ? new GuestExit(pid, false, "QEMU ended without a SHUTDOWN event (killed or crashed)")
                : new GuestExit(pid, true, event.data().path("reason").asText("unknown"));
    }

    /**
     * The pid in QEMU's pid file. The run directory is the account's, so the file is read only as a plain file of
     * the directory's owner (see {@link GuestFileReader}): a planted link would have root read, and echo, a host file.
     */
    static int readPid(Path pidFile) {
        if (!Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new GuestNotRunningException("no pid file " + pidFile);
        }
        String text;
        try {
            String owner = Files.getOwner(pidFile.getParent(), LinkOption.NOFOLLOW_LINKS).getName();
            text = new String(GuestFileReader.read(pidFile, owner, 0, MAX_PID_FILE_BYTES).bytes(),
                    StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            throw new GuestNotRunningException("cannot read pid file " + pidFile + ": " + e.getMessage());
        }
        if (!text.matches("[1-9][0-9]{0,9}")) {
            throw new GuestNotRunningException("pid file " + pidFile + " holds \"" + text.replaceAll("\\p{Cntrl}", "?")
                    + "\", not a pid");
        }
        return Integer.parseInt(text);
    }

    /** True if {@code pid} runs with "-uuid <this guest's uuid>" among its arguments. */
    static boolean isGuestQemu(int pid, GuestSpec spec) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
            String args = "\0" + new String(cmdline, StandardCharsets.UTF_8);
            return args.contains("\0-uuid\0" + spec.uuid() + "\0");
        } catch (IOException e) {
            return false; // no such process (any more)
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
