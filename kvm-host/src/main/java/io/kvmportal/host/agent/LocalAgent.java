package io.kvmportal.host.agent;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.Accelerator;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.KvmAvailability;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.RunState;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.HostReport;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.ImageStaging;
import io.kvmportal.host.kvm.KvmStatus;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link HostAgent}: kvm-host's {@link Host} behind plain values. Every value the portal sends is checked
 * here or by kvm-host before anything is made (see {@link AgentValues}), and every refusal leaves as a
 * {@link io.kvmportal.agent.HostRefusedException} (see {@link Refusals}). Guests' ends and QMP's pause and resume
 * reach every {@link #watch watcher} as events.
 */
public final class LocalAgent implements HostAgent {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAgent.class);
    /** More guests than one host runs by far: a bound on one call's work, not a limit anyone meets. */
    static final int MAX_GUESTS_PER_CALL = 10_000;
    static final Duration MAX_GRACE = Duration.ofHours(1);
    static final int MAX_SERIAL_BYTES = 4 << 20;
    static final int MAX_TICKET_BYTES = 1024;
    private final Host host;
    private final HostEvents events = new HostEvents();
    private final ScheduledThreadPoolExecutor forceOffs = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "agent-force-off");
        thread.setDaemon(true);
        return thread;
    });
    private final Path demoCache;

    /**
     * @param portalScreenSocket where the portal listens for guests' screens (see {@link #handScreen})
     * @param portalUid the uid that must own that listener
     */
    public LocalAgent(HostConfig config, Path portalScreenSocket, int portalUid) {
        this(config, portalScreenSocket, portalUid,
                Path.of(System.getProperty("user.home"), ".cache", "kvm-portal", "demo-image"));
    }

    /** For tests: the demo image's build cache of the test guest's. */
    LocalAgent(HostConfig config, Path portalScreenSocket, int portalUid, Path demoCache) {
        this.demoCache = demoCache;
        this.host = new Host(config.withPortalScreen(Objects.requireNonNull(portalScreenSocket, "portalScreenSocket"),
                portalUid),
                (guest, exit) -> events.publish(new HostEvent.GuestEnded(guest, AgentValues.exit(exit))),
                (guest, state) -> events.publish(new HostEvent.RunStateChanged(guest, RunState.valueOf(state.name()))));
        forceOffs.setRemoveOnCancelPolicy(true);
    }

    @Override
    public AgentIdentity identify() {
        String version = LocalAgent.class.getPackage().getImplementationVersion();
        return new AgentIdentity(Protocol.VERSION, version == null ? "development build" : version,
                ProcessHandle.current().pid());
    }

    @Override
    public HostFacts facts() {
        return Refusals.call(() -> {
            HostReport report = host.report();
            KvmStatus kvm = report.kvm();
            return new HostFacts(KvmAvailability.valueOf(kvm.availability().name()), kvm.text(), kvm.apiVersion(),
                    kvm.recommendedVcpus(), kvm.maxVcpus(), kvm.pvm(),
                    Accelerator.valueOf(report.autoAccelerator().accelerator().name()),
                    report.autoAccelerator().reason(), report.qemu().text(),
                    Runtime.getRuntime().availableProcessors(), MachineFigures.memoryMib(),
                    MachineFigures.agentRssBytes());
        });
    }

    @Override
    public AccountRemoval removeAccount(String login) {
        AgentValues.login(login);
        return Refusals.call(() -> AccountRemoval.valueOf(host.removeAccount(login).name()));
    }

    @Override
    public StagedImage stageImage(InputStream bytes, long maxBytes) {
        if (bytes == null) {
            throw Refusals.invalid("an upload needs its bytes");
        }
        return Refusals.call(() -> {
            ImageStaging.Staged staged = host.images().stage(bytes, maxBytes);
            return new StagedImage(staged.id(), staged.bytes());
        });
    }

    @Override
    public ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes) {
        io.kvmportal.host.image.ImageFormat hostFormat = AgentValues.format(format);
        if (maxVirtualBytes <= 0) {
            throw Refusals.invalid("an image's largest virtual size must be positive, not " + maxVirtualBytes);
        }
        return Refusals.call(() -> AgentValues.imageFile(
                host.images().admit(stagingId, hostFormat, maxVirtualBytes), false));
    }

    @Override
    public void discardStaged(String stagingId) {
        Refusals.run(() -> host.images().discard(stagingId));
    }

    @Override
    public ImageFile publishDemoImage() {
        return Refusals.call(() -> {
            BaseImage image = host.images().publishDemo(demoCache);
            LOG.info("Published the demo image as {}", image.id());
            return AgentValues.imageFile(image, true);
        });
    }

    @Override
    public void removeImage(String imageId) {
        AgentValues.imageId(imageId);
        Refusals.run(() -> host.images().remove(imageId));
    }

    @Override
    public void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes) {
        AgentValues.guest(guest);
        AgentValues.login(login);
        if (baseImageId == null) {
            throw Refusals.invalid("the base image is an Optional, empty for none");
        }
        baseImageId.ifPresent(AgentValues::imageId);
        Refusals.run(() -> host.createDisk(guest, login, baseImageId.map(host.images()::require), sizeBytes));
    }

    @Override
    public long start(GuestDefinition guest) {
        return Refusals.call(() -> {
            io.kvmportal.host.GuestDefinition checked = AgentValues.definition(guest, host.images());
            if (!host.hasDisk(checked.uuid())) {
                throw new HostRefusedException(RefusalKind.NOT_FOUND, "Guest " + checked.uuid()
                        + " has no disk on this host; create its disk first.");
            }
            return (long) host.start(checked);
        });
    }

    @Override
    public boolean reattach(GuestDefinition guest) {
        return Refusals.call(() -> host.reattach(AgentValues.definition(guest, host.images())));
    }

    /**
     * Presses the power button and returns. One scheduler thread forces off, after {@code grace}, whichever of
     * those guests still runs the same QEMU: no thread waits per call. The QEMU's end arrives as an event.
     */
    @Override
    public void shutdown(UUID guest, Duration grace) {
        AgentValues.guest(guest);
        if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw Refusals.invalid("a shutdown's grace must be between 0 and " + MAX_GRACE + ", not " + grace);
        }
        int pid = Refusals.call(() -> host.pressPowerButton(guest));
        forceOffs.schedule(() -> forceOffIfStill(guest, pid), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void forceOffIfStill(UUID guest, int pid) {
        try {
            host.forceOffIfStill(guest, pid).ifPresent(exit ->
                    LOG.info("Guest {} ignored the power button; forced off: {}", guest, exit));
        } catch (RuntimeException e) {
            LOG.warn("Could not force off guest {} after its grace: {}", guest, e.getMessage());
        }
    }

    @Override
    public GuestExit forceOff(UUID guest) {
        AgentValues.guest(guest);
        return Refusals.call(() -> AgentValues.exit(host.forceOff(guest)));
    }

    @Override
    public void pause(UUID guest) {
        AgentValues.guest(guest);
        Refusals.run(() -> host.pause(guest));
    }

    @Override
    public void resume(UUID guest) {
        AgentValues.guest(guest);
        Refusals.run(() -> host.resume(guest));
    }

    @Override
    public void reboot(UUID guest) {
        AgentValues.guest(guest);
        Refusals.run(() -> host.reboot(guest));
    }

    @Override
    public byte[] screenshot(UUID guest) {
        AgentValues.guest(guest);
        return Refusals.call(() -> host.screenshot(guest));
    }

    @Override
    public Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes) {
        AgentValues.guest(guest);
        AgentValues.login(login);
        if (maxBytes <= 0 || maxBytes > MAX_SERIAL_BYTES) {
            throw Refusals.invalid("a serial log read of " + maxBytes + " bytes is not between 1 and "
                    + MAX_SERIAL_BYTES);
        }
        return Refusals.call(() -> host.serialLog(guest, login, from, maxBytes)
                .map(chunk -> new SerialChunk(chunk.offset(), chunk.size(), chunk.bytes())));
    }

    @Override
    public Map<UUID, GuestProcess> processes(Collection<UUID> guests) {
        if (guests == null || guests.size() > MAX_GUESTS_PER_CALL) {
            throw Refusals.invalid("a list of at most " + MAX_GUESTS_PER_CALL + " guests is required");
        }
        guests.forEach(AgentValues::guest);
        return Refusals.call(() -> {
            Map<UUID, GuestProcess> running = new LinkedHashMap<>();
            for (UUID guest : guests) {
                host.processView(guest).filter(view -> !view.state().gone())
                        .ifPresent(view -> running.put(guest, AgentValues.process(view)));
            }
            return running;
        });
    }

    @Override
    public void deleteGuest(UUID guest, String login) {
        AgentValues.guest(guest);
        AgentValues.login(login);
        Refusals.run(() -> host.deleteGuest(guest, login));
    }

    @Override
    public void handScreen(UUID guest, String login, byte[] ticket) {
        AgentValues.guest(guest);
        AgentValues.login(login);
        if (ticket == null || ticket.length == 0 || ticket.length > MAX_TICKET_BYTES) {
            throw Refusals.invalid("a screen ticket of 1 to " + MAX_TICKET_BYTES + " bytes is required");
        }
        Refusals.run(() -> host.handScreen(guest, login, ticket));
    }

    @Override
    public AutoCloseable watch(HostEventListener listener) {
        if (listener == null) {
            throw Refusals.invalid("a listener is required");
        }
        return events.add(listener);
    }

    /** Stops watching guests and forcing off late ones; the guests keep running for the next agent to re-attach. */
    @Override
    public void close() {
        forceOffs.shutdownNow();
        events.clear();
        host.close();
    }
}
