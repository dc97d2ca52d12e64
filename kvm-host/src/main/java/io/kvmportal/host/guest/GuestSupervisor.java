package io.kvmportal.host.guest;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvmportal.host.kvm.GuestFileReader;
import io.kvmportal.host.qemu.GuestExit;
import io.kvmportal.host.qemu.GuestProcess;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.ProcessState;
import io.kvmportal.host.qemu.ProcessView;
import io.kvmportal.host.qemu.QemuLauncher;
import io.kvmportal.host.qemu.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts, controls and watches the guests of this host; see the package documentation for the flow. */
public final class GuestSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuestSupervisor.class);
    private static final List<String> RUN_FILES = List.of("qmp.sock", "vnc.sock", "serial.sock", "qemu.pid");
    private static final Duration ATTACH_STEP = Duration.ofMillis(250);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(15);
    /** Far above any screen's PNG (a 2560x1600 one of noise is about 12 MiB), so a runaway file is not read whole. */
    private static final int MAX_SCREENSHOT_BYTES = 64 << 20;
    private static final int LOG_TAIL_BYTES = 1500;
    private final Map<UUID, GuestProcess> running = new ConcurrentHashMap<>();
    private final GuestExitListener listener;
    private final RunStateListener runStates;
    private final Duration startTimeout;

    public GuestSupervisor(GuestExitListener listener, Duration startTimeout) {
        this(listener, startTimeout, (guest, state) -> { });
    }

    public GuestSupervisor(GuestExitListener listener, Duration startTimeout, RunStateListener runStates) {
        this.listener = listener;
        this.startTimeout = startTimeout;
        this.runStates = runStates;
    }

    /** Launches the guest and answers once its QMP is ready. */
    public GuestProcess start(GuestSpec spec, Optional<RunAs> runAs) {
        return start(spec, runAs, pid -> { });
    }

    /**
     * As {@link #start(GuestSpec, Optional)}, handing QEMU's pid to {@code onSpawn} at once, before QMP is up
     * and before QEMU has touched most of the guest's memory (to move it into its cgroup).
     */
    public GuestProcess start(GuestSpec spec, Optional<RunAs> runAs, LongConsumer onSpawn) {
        if (running.containsKey(spec.uuid())) {
            throw new GuestCommandException(GuestCommandException.Kind.ALREADY_RUNNING,
                    "Guest " + spec.name() + " is already running.");
        }
        clearRunFiles(spec);
        Process process;
        try {
            process = QemuLauncher.start(spec, runAs);
        } catch (IOException e) {
            throw new GuestCommandException(GuestCommandException.Kind.START_FAILED,
                    "Cannot start QEMU for " + spec.name() + ": " + e.getMessage(), e);
        }
        try {
            onSpawn.accept(process.pid());
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new GuestCommandException(GuestCommandException.Kind.START_FAILED,
                    "Cannot place QEMU of " + spec.name() + ": " + e.getMessage(), e);
        }
        GuestProcess guest = awaitQmp(spec, process);
        watch(spec.uuid(), guest);
        return guest;
    }

    /** Finds a guest that kept running while the portal was down; false (and stale files gone) if it did not. */
    public boolean reattach(GuestSpec spec) {
        if (running.containsKey(spec.uuid())) {
            return true;
        }
        if (Files.exists(spec.pidFile())) {
            try {
                watch(spec.uuid(), GuestProcess.attach(spec, Duration.ofSeconds(2)));
                LOG.info("re-attached guest {} ({})", spec.name(), spec.uuid());
                return true;
            } catch (RuntimeException gone) {
                LOG.info("guest {} is not running any more: {}", spec.name(), gone.getMessage());
            }
        }
        clearRunFiles(spec);
        return false;
    }

    /** ACPI power button; if the guest has not powered off within {@code grace}, it is forced off. */
    public GuestExit shutdown(UUID uuid, Duration grace) {
        GuestProcess guest = require(uuid);
        qmp(guest, "system_powerdown");
        try {
            return guest.whenExited().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ignoredPowerButton) {
            LOG.info("guest {} ignored the power button for {}; forcing it off", uuid, grace);
            return forceOff(uuid);
        } catch (InterruptedException | ExecutionException e) {
            throw failed(uuid, "shutdown", e);
        }
    }

    /** ACPI power button only, answering at once with the pid of the QEMU it was pressed on. */
    public int pressPowerButton(UUID uuid) {
        GuestProcess guest = require(uuid);
        qmp(guest, "system_powerdown");
        return guest.pid();
    }

    /**
     * Forces the guest off if the QEMU of {@code pid} still runs it (a later start of the guest has another pid and
     * is left alone); empty if it ended already.
     */
    public Optional<GuestExit> forceOffIfStill(UUID uuid, int pid) {
        GuestProcess guest = running.get(uuid);
        if (guest == null || guest.pid() != pid) {
            return Optional.empty();
        }
        return Optional.of(forceOff(uuid));
    }

    /** Kills QEMU (SIGKILL), as pulling the plug: the guest gets no chance to flush its disks. */
    public GuestExit forceOff(UUID uuid) {
        GuestProcess guest = require(uuid);
        guest.kill();
        try {
            return guest.whenExited().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw failed(uuid, "force off", e);
        }
    }

    public void pause(UUID uuid) {
        qmp(require(uuid), "stop");
    }

    public void resume(UUID uuid) {
        qmp(require(uuid), "cont");
    }

    /** A hard reset, like the reset button: QEMU keeps running. */
    public void reboot(UUID uuid) {
        qmp(require(uuid), "system_reset");
    }

    /**
     * The guest's screen as a PNG. QEMU writes it as the account into the account's directory, where the account
     * could swap it for a link to a host file before root reads it: so it is read as the account's plain file only.
     */
    public byte[] screenshot(UUID uuid, Path runDirectory) {
        GuestProcess guest = require(uuid);
        Path file = runDirectory.resolve("screendump-" + UUID.randomUUID() + ".png");
        try {
            guest.qmp().execute("screendump", Map.of("filename", file.toString(), "format", "png"), COMMAND_TIMEOUT);
            GuestFileReader.Chunk png = GuestFileReader.read(file, ownerOf(runDirectory), 0, MAX_SCREENSHOT_BYTES);
            if (png.size() > MAX_SCREENSHOT_BYTES) {
                throw new IllegalStateException("a screenshot of " + png.size() + " bytes, above "
                        + MAX_SCREENSHOT_BYTES);
            }
            return png.bytes();
        } catch (RuntimeException e) {
            throw failed(uuid, "screenshot", e);
        } finally {
            deleteQuietly(file);
        }
    }

    /** Gives {@code client} to the running guest's QEMU as a VNC client (see {@link ScreenHandOver}). */
    public void handScreen(UUID uuid, SocketChannel client) {
        GuestProcess guest = require(uuid);
        requireNotStopped(guest, "add_client");
        ScreenHandOver.give(guest.qmp(), client, COMMAND_TIMEOUT);
    }

    public RunState state(UUID uuid) {
        GuestProcess guest = running.get(uuid);
        Optional<ProcessView> view = guest == null ? Optional.empty() : guest.view();
        if (view.isEmpty() || view.get().state().gone()) {
            return RunState.NOT_RUNNING;
        }
        if (view.get().state() == ProcessState.STOPPED_BY_SIGNAL) {
            return RunState.STOPPED_BY_SIGNAL;
        }
        try {
            JsonNode status = guest.qmp().execute("query-status", Map.of(), Duration.ofSeconds(2));
            return status.path("running").asBoolean(false) ? RunState.RUNNING : RunState.PAUSED;
        } catch (RuntimeException noAnswer) {
            // A SIGSTOP sent just before the call shows in /proc only once delivered: look again.
            boolean stopped = guest.view().map(now -> now.state() == ProcessState.STOPPED_BY_SIGNAL).orElse(false);
            return stopped ? RunState.STOPPED_BY_SIGNAL : RunState.UNRESPONSIVE;
        }
    }

    /** The QEMU process as {@code top} shows it; empty when the guest is not running. */
    public Optional<ProcessView> processView(UUID uuid) {
        GuestProcess guest = running.get(uuid);
        return guest == null ? Optional.empty() : guest.view();
    }

    public Set<UUID> runningGuests() {
        return Set.copyOf(running.keySet());
    }

    /** Stops watching; the guests keep running, to be re-attached by the next portal. */
    @Override
    public void close() {
        running.values().forEach(GuestProcess::close);
        running.clear();
    }

    private GuestProcess awaitQmp(GuestSpec spec, Process process) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new GuestCommandException(GuestCommandException.Kind.START_FAILED, "QEMU for " + spec.name()
                        + " exited with status " + process.exitValue() + ": " + logTail(spec));
            }
            try {
                return GuestProcess.attach(spec, ATTACH_STEP);
            } catch (RuntimeException notReady) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new GuestCommandException(GuestCommandException.Kind.START_FAILED, "QEMU for "
                            + spec.name() + " did not answer on QMP within " + startTimeout + ": " + logTail(spec));
                }
            }
        }
    }

    private void watch(UUID uuid, GuestProcess guest) {
        running.put(uuid, guest);
        guest.qmp().addEventListener(event -> {
            if ("STOP".equals(event.name())) {
                runStates.changed(uuid, RunState.PAUSED);
            } else if ("RESUME".equals(event.name())) {
                runStates.changed(uuid, RunState.RUNNING);
            }
        });
        guest.whenExited().whenComplete((exit, error) -> {
            running.remove(uuid, guest);
            GuestExit ended = exit != null ? exit
                    : new GuestExit(guest.pid(), false, "cannot tell how QEMU ended: " + error.getMessage());
            LOG.info("guest {} ended: {}", uuid, ended);
            listener.exited(uuid, ended);
        });
    }

    private GuestProcess require(UUID uuid) {
        GuestProcess guest = running.get(uuid);
        if (guest == null) {
            throw new GuestCommandException(GuestCommandException.Kind.NOT_RUNNING, "The guest is not running.");
        }
        return guest;
    }

    /**
     * A command sent to a SIGSTOPped QEMU would time out here and then still run once QEMU is continued, long
     * after its caller gave up: so such a QEMU is refused a command instead.
     */
    private static void qmp(GuestProcess guest, String command) {
        requireNotStopped(guest, command);
        try {
            guest.qmp().execute(command, Map.of(), COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            throw new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED,
                    "QEMU did not carry out " + command + ": " + e.getMessage(), e);
        }
    }

    private static void requireNotStopped(GuestProcess guest, String command) {
        if (guest.view().map(view -> view.state() == ProcessState.STOPPED_BY_SIGNAL).orElse(false)) {
            throw new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED, "QEMU (pid " + guest.pid()
                    + ") is stopped by a signal and cannot take " + command + "; continue it (SIGCONT) first.");
        }
    }

    private static GuestCommandException failed(UUID uuid, String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED,
                what + " of guest " + uuid + " failed: " + e.getMessage(), e);
    }

    /**
     * The end of QEMU's own output: why it refused to start, in its words. Read as the run directory's owner's plain
     * file only: the account could have made qemu.log a link to a host file, whose content would be the answer.
     */
    static String logTail(GuestSpec spec) {
        Path log = spec.runDirectory().resolve("qemu.log");
        try {
            if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
                return "(QEMU printed nothing)";
            }
            byte[] bytes = GuestFileReader.read(log, ownerOf(spec.runDirectory()), -1, LOG_TAIL_BYTES).bytes();
            String tail = new String(bytes, StandardCharsets.UTF_8);
            return tail.isBlank() ? "(QEMU printed nothing)" : tail.strip();
        } catch (RuntimeException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static String ownerOf(Path runDirectory) {
        try {
            return Files.getOwner(runDirectory, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell who owns " + runDirectory, e);
        }
    }

    private static void clearRunFiles(GuestSpec spec) {
        RUN_FILES.forEach(name -> deleteQuietly(spec.runDirectory().resolve(name)));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
