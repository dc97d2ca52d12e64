package io.kvmportal.guest;

import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.host.GuestDefinition;
import io.kvmportal.host.Host;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.qemu.ProcessView;
import io.kvmportal.image.Image;
import io.kvmportal.image.ImageCatalog;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Users' own guests, end to end: each action claims its next state in the database (with quota, behind the
 * owner's lock; see {@link GuestRegistry}), then asks the host, then records the outcome, so a failure leaves the
 * guest in a true state with the host's words in {@code lastError}. The host reports QEMU's end by {@link GuestEnded}.
 */
@Singleton
public class GuestService {
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
    public static final int SERIAL_CHUNK = 64 * 1024;
    private final GuestRegistry registry;
    private final ImageCatalog images;
    private final Host host;
    private final AuditLog audit;

    GuestService(GuestRegistry registry, ImageCatalog images, Host host, AuditLog audit) {
        this.registry = registry;
        this.images = images;
        this.host = host;
        this.audit = audit;
    }

    public List<GuestView> list(Actor actor) {
        Map<Long, String> imageNames = images.names();
        return registry.list(actor).stream().map(guest -> view(actor, guest, imageNames)).toList();
    }

    public GuestView get(Actor actor, long guestId) {
        return view(actor, registry.get(actor, guestId), images.names());
    }

    /**
     * Creates the guest's disk: a copy-on-write overlay on a disk image, or an empty disk for a guest installed from
     * an ISO (which stays in its CD drive). The guest is then stopped, ready to start.
     */
    public GuestView create(Actor actor, NewGuest request) {
        AuditTarget target = new AuditTarget("guest", null, String.valueOf(request.name()), actor.id());
        Guest guest = audited(actor, AuditAction.GUEST_CREATED, target, () -> {
            if (request.imageId() == null) {
                throw GuestException.invalid("Choose an image to create the guest from.");
            }
            Image image = images.requireUsable(request.imageId());
            if (request.memoryMib() < image.minMemoryMib() || request.diskGib() < image.minDiskGib()) {
                throw GuestException.invalid("The image '" + image.name() + "' needs at least " + image.minMemoryMib()
                        + " MiB of memory and " + image.minDiskGib() + " GiB of disk.");
            }
            return registry.reserveNew(actor, request);
        });
        try {
            host.createDisk(UUID.fromString(guest.uuid()), actor.login(), images.diskBase(guest.imageId()),
                    (long) guest.diskGib() << 30);
            registry.advance(guest.id(), GuestState.CREATING, GuestState.STOPPED, null);
        } catch (RuntimeException e) {
            registry.forget(guest.id());
            released(guest);
            throw hostFailed("create the disk of '" + guest.name() + "'", e);
        }
        return get(actor, guest.id());
    }

    public GuestView start(Actor actor, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_STARTED, target(actor, guestId),
                () -> registry.reserveStart(actor, guestId));
        try {
            host.start(definition(actor.login(), guest));
            registry.advance(guestId, GuestState.STARTING, GuestState.RUNNING, null);
        } catch (RuntimeException e) {
            registry.advance(guestId, GuestState.STARTING, GuestState.STOPPED, bounded(e.getMessage()));
            throw hostFailed("start '" + guest.name() + "'", e);
        }
        return get(actor, guestId);
    }

    /** Presses the ACPI power button; a guest that ignores it is forced off after a minute. */
    public GuestView shutdown(Actor actor, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_SHUTDOWN, target(actor, guestId),
                () -> registry.claim(actor, guestId, GuestAction.SHUTDOWN, GuestState.STOPPING));
        Thread stopper = new Thread(() -> host.shutdown(UUID.fromString(guest.uuid()), SHUTDOWN_GRACE),
                "shutdown-" + guest.id());
        stopper.setDaemon(true);
        stopper.start();
        return get(actor, guestId);
    }

    public GuestView forceOff(Actor actor, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_FORCED_OFF, target(actor, guestId),
                () -> registry.claim(actor, guestId, GuestAction.FORCE_OFF, GuestState.STOPPING));
        host.forceOff(UUID.fromString(guest.uuid()));
        return get(actor, guestId);
    }

    public GuestView pause(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_PAUSED, GuestAction.PAUSE, GuestState.PAUSED,
                guest -> host.pause(guest));
    }

    public GuestView resume(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_RESUMED, GuestAction.RESUME, GuestState.RUNNING,
                guest -> host.resume(guest));
    }

    public GuestView reboot(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_REBOOTED, GuestAction.REBOOT, GuestState.RUNNING,
                guest -> host.reboot(guest));
    }

    public GuestView rename(Actor actor, long guestId, String name) {
        Guest guest = audited(actor, AuditAction.GUEST_RENAMED, target(actor, guestId),
                () -> registry.rename(actor, guestId, name));
        return get(actor, guest.id());
    }

    public void delete(Actor actor, long guestId) {
        deleteOnBehalf(actor, actor, target(actor, guestId), guestId);
    }

    /**
     * Forces off and deletes every guest of a user, for an admin who is deleting that user; each step is audited as
     * the admin's. Answers how many guests went. A failure stops there and leaves the rest as they were.
     */
    public int deleteAllOf(Actor admin, long ownerId, String ownerLogin) {
        if (!admin.admin()) {
            throw new GuestException(Fault.FORBIDDEN, "Only an admin may delete another user's guests.");
        }
        // The owner's identity scopes the registry's reads and claims to their guests; the audit names the admin.
        Actor owner = new Actor(ownerId, ownerLogin, false);
        List<Guest> theirs = registry.list(owner);
        for (Guest guest : theirs) {
            AuditTarget target = new AuditTarget("guest", guest.id(), guest.name(), ownerId);
            if (GuestAction.FORCE_OFF.allowedIn(guest.state())) {
                audited(admin, AuditAction.GUEST_FORCED_OFF, target,
                        () -> registry.claim(owner, guest.id(), GuestAction.FORCE_OFF, GuestState.STOPPING));
                host.forceOff(UUID.fromString(guest.uuid()));
                // QEMU is gone; the exit event may not have been recorded yet.
                registry.advance(guest.id(), GuestState.STOPPING, GuestState.STOPPED, null);
            }
            deleteOnBehalf(admin, owner, target, guest.id());
        }
        return theirs.size();
    }

    private void deleteOnBehalf(Actor actor, Actor owner, AuditTarget target, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_DELETED, target,
                () -> registry.claim(owner, guestId, GuestAction.DELETE, GuestState.DELETING));
        try {
            host.deleteGuest(UUID.fromString(guest.uuid()), owner.login());
        } catch (RuntimeException e) {
            registry.advance(guestId, GuestState.DELETING, GuestState.STOPPED, bounded(e.getMessage()));
            throw hostFailed("delete '" + guest.name() + "'", e);
        }
        registry.forget(guestId);
        released(guest);
    }

    /** After a guest is gone from the database: its image, if withdrawn and now unused, loses its file. */
    void released(Guest guest) {
        if (guest.imageId() != null) {
            images.removeFileIfUnused(guest.imageId());
        }
    }

    /** At start: withdrawn images that no guest uses lose the files a stopped portal left (or kept before). */
    void removeUnusedImageFiles() {
        images.withdrawnWithFile().forEach(images::removeFileIfUnused);
    }

    /** The PNG of the guest's screen while it has a QEMU process; a guest without one is a state refusal (409). */
    public byte[] screenshot(Actor actor, long guestId) {
        Guest guest = registry.get(actor, guestId);
        if (!guest.state().holdsRunResources()) {
            throw GuestException.wrongState("take a screenshot of", guest.name(), guest.state());
        }
        try {
            return host.screenshot(UUID.fromString(guest.uuid()));
        } catch (RuntimeException e) {
            throw hostFailed("take a screenshot of '" + guest.name() + "'", e);
        }
    }

    /**
     * The guest's serial output from byte {@code from} on (negative: the last {@link #SERIAL_CHUNK} bytes), of this
     * run or the last; empty text before its first start.
     */
    public SerialOutput serial(Actor actor, long guestId, long from) {
        Guest guest = registry.get(actor, guestId);
        try {
            return host.serialLog(UUID.fromString(guest.uuid()), actor.login(), from, SERIAL_CHUNK)
                    .map(chunk -> SerialOutput.of(chunk.offset(), chunk.bytes()))
                    .orElse(new SerialOutput(0, 0, ""));
        } catch (RuntimeException e) {
            throw hostFailed("read the serial output of '" + guest.name() + "'", e);
        }
    }

    private interface HostStep {
        void run(UUID guest);
    }

    /** A QMP action: claim the state it leads to, ask QEMU, and step back with QEMU's words if it refuses. */
    private GuestView onHost(Actor actor, long guestId, AuditAction audited, GuestAction action, GuestState next,
                             HostStep step) {
        Guest before = registry.get(actor, guestId);
        Guest guest = audited(actor, audited, target(actor, guestId),
                () -> registry.claim(actor, guestId, action, next));
        try {
            step.run(UUID.fromString(guest.uuid()));
        } catch (RuntimeException e) {
            registry.advance(guestId, next, before.state(), bounded(e.getMessage()));
            throw hostFailed(action.verb() + " '" + guest.name() + "'", e);
        }
        return get(actor, guestId);
    }

    GuestDefinition definition(String login, Guest guest) {
        return new GuestDefinition(UUID.fromString(guest.uuid()), guest.name(), login, guest.vcpus(),
                guest.memoryMib(), images.bootSource(guest.imageId()), Nic.USER);
    }

    private GuestView view(Actor actor, Guest guest, Map<Long, String> imageNames) {
        String imageName = guest.imageId() == null ? null : imageNames.get(guest.imageId());
        Optional<ProcessView> process = guest.state().holdsRunResources()
                ? host.processView(UUID.fromString(guest.uuid())) : Optional.empty();
        return new GuestView(guest, imageName, LinuxAccountName.forLogin(actor.login()).value(), process.map(ProcessView::pid).orElse(null),
                process.map(p -> p.state().name()).orElse(null), process.map(ProcessView::cpuPercent).orElse(null),
                process.map(ProcessView::rssBytes).orElse(null), process.map(ProcessView::threads).orElse(null),
                process.map(p -> p.uptime().toSeconds()).orElse(null));
    }

    private AuditTarget target(Actor actor, long guestId) {
        String name;
        try {
            name = registry.get(actor, guestId).name();
        } catch (GuestException notTheirs) {
            name = "#" + guestId;
        }
        return new AuditTarget("guest", guestId, name, actor.id());
    }

    private <T> T audited(Actor actor, AuditAction action, AuditTarget target, Supplier<T> claim) {
        return audit.record(actor, action, target, claim);
    }

    private static GuestException hostFailed(String what, RuntimeException cause) {
        if (cause instanceof PortalException portal && portal.fault() != Fault.INVALID_INPUT) {
            return new GuestException(portal.fault(), portal.getMessage());
        }
        return new GuestException(Fault.HOST_FAILED, "Could not " + what + ": " + bounded(cause.getMessage()));
    }

    static String bounded(String message) {
        String text = message == null ? "unknown error" : message;
        return text.length() > 1500 ? text.substring(text.length() - 1500) : text;
    }
}
