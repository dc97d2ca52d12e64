package io.kvmportal.guest;

import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agentlink.AgentFaults;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.image.Image;
import io.kvmportal.image.ImageCatalog;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Users' own guests, end to end: each action claims its next state in the database (with quota, behind the
 * owner's lock; see {@link GuestRegistry}), then asks the host, then records the outcome, so a failure leaves the
 * guest in a true state with the host's words in {@code lastError}. The host reports QEMU's end by {@link GuestEnded}.
 * An agent that cannot be reached changes nothing: the guest steps back to where it was and the caller gets a 503.
 */
@Singleton
public class GuestService {
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
    public static final int SERIAL_CHUNK = 64 * 1024;
    private final GuestRegistry registry;
    private final ImageCatalog images;
    private final HostAgent agent;
    private final GuestViews views;
    private final AuditLog audit;
    /** Guests whose host step runs now: the reconciliation after the agent's return leaves them to that step. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    GuestService(GuestRegistry registry, ImageCatalog images, HostAgent agent, GuestViews views, AuditLog audit) {
        this.registry = registry;
        this.images = images;
        this.agent = agent;
        this.views = views;
        this.audit = audit;
    }

    /** The actor's guests with their processes' figures, asked of the agent in one call. */
    public List<GuestView> list(Actor actor) {
        return views.of(actor, registry.list(actor));
    }

    public GuestView get(Actor actor, long guestId) {
        return views.of(actor, List.of(registry.get(actor, guestId))).get(0);
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
        inFlight.add(guest.id());
        try {
            agent.createDisk(UUID.fromString(guest.uuid()), actor.login(), images.diskBase(guest.imageId()),
                    (long) guest.diskGib() << 30);
            registry.advance(guest.id(), GuestState.CREATING, GuestState.STOPPED, null);
        } catch (RuntimeException e) {
            // Unreachable or refused, the reservation goes: the guest never was, and its quota is free again.
            registry.forget(guest.id());
            released(guest);
            throw hostFailed("create the disk of '" + guest.name() + "'", e);
        } finally {
            inFlight.remove(guest.id());
        }
        return get(actor, guest.id());
    }

    public GuestView start(Actor actor, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_STARTED, target(actor, guestId),
                () -> registry.reserveStart(actor, guestId));
        inFlight.add(guestId);
        try {
            agent.start(definition(actor.login(), guest));
            registry.advance(guestId, GuestState.STARTING, GuestState.RUNNING, null);
        } catch (RuntimeException e) {
            // An unreachable agent started nothing that we know of: back to STOPPED without an error of the guest's.
            registry.advance(guestId, GuestState.STARTING, GuestState.STOPPED,
                    AgentFaults.isUnreachable(e) ? null : bounded(e.getMessage()));
            throw hostFailed("start '" + guest.name() + "'", e);
        } finally {
            inFlight.remove(guestId);
        }
        return get(actor, guestId);
    }

    /** Presses the ACPI power button (the agent answers at once); a guest ignoring it is forced off after a minute. */
    public GuestView shutdown(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_SHUTDOWN, GuestAction.SHUTDOWN, GuestState.STOPPING,
                guest -> agent.shutdown(guest, SHUTDOWN_GRACE));
    }

    public GuestView forceOff(Actor actor, long guestId) {
        forcedOff(actor, actor, target(actor, guestId), guestId);
        return get(actor, guestId);
    }

    public GuestView pause(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_PAUSED, GuestAction.PAUSE, GuestState.PAUSED, agent::pause);
    }

    public GuestView resume(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_RESUMED, GuestAction.RESUME, GuestState.RUNNING,
                agent::resume);
    }

    public GuestView reboot(Actor actor, long guestId) {
        return onHost(actor, guestId, AuditAction.GUEST_REBOOTED, GuestAction.REBOOT, GuestState.RUNNING,
                agent::reboot);
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
                forcedOff(admin, owner, target, guest.id());
            }
            deleteOnBehalf(admin, owner, target, guest.id());
        }
        return theirs.size();
    }

    /**
     * Forces the guest off and records it stopped (QEMU is gone; its exit event may not have been recorded yet). A
     * guest the agent no longer runs is off as well; any other failure puts it back where it was.
     */
    private void forcedOff(Actor actor, Actor owner, AuditTarget target, long guestId) {
        GuestState[] before = new GuestState[1];
        Guest guest = audited(actor, AuditAction.GUEST_FORCED_OFF, target, () -> {
            before[0] = registry.get(owner, guestId).state();
            return registry.claim(owner, guestId, GuestAction.FORCE_OFF, GuestState.STOPPING);
        });
        inFlight.add(guestId);
        try {
            agent.forceOff(UUID.fromString(guest.uuid()));
        } catch (HostRefusedException refused) {
            if (refused.kind() != RefusalKind.NOT_RUNNING) {
                registry.advance(guestId, GuestState.STOPPING, before[0], bounded(refused.getMessage()));
                throw hostFailed("force off '" + guest.name() + "'", refused);
            }
        } catch (RuntimeException e) {
            registry.advance(guestId, GuestState.STOPPING, before[0],
                    AgentFaults.isUnreachable(e) ? null : bounded(e.getMessage()));
            throw hostFailed("force off '" + guest.name() + "'", e);
        } finally {
            inFlight.remove(guestId);
        }
        registry.advance(guestId, GuestState.STOPPING, GuestState.STOPPED, null);
    }

    private void deleteOnBehalf(Actor actor, Actor owner, AuditTarget target, long guestId) {
        Guest guest = audited(actor, AuditAction.GUEST_DELETED, target,
                () -> registry.claim(owner, guestId, GuestAction.DELETE, GuestState.DELETING));
        inFlight.add(guestId);
        try {
            agent.deleteGuest(UUID.fromString(guest.uuid()), owner.login());
        } catch (RuntimeException e) {
            // The row stays whatever happened: an unreachable agent may still hold the guest's disk.
            registry.advance(guestId, GuestState.DELETING, GuestState.STOPPED,
                    AgentFaults.isUnreachable(e) ? null : bounded(e.getMessage()));
            throw hostFailed("delete '" + guest.name() + "'", e);
        } finally {
            inFlight.remove(guestId);
        }
        registry.forget(guestId);
        released(guest);
    }

    /** Whether a request of this process is asking the agent about this guest right now. */
    boolean inFlight(long guestId) {
        return inFlight.contains(guestId);
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
            return agent.screenshot(UUID.fromString(guest.uuid()));
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
            return agent.serialLog(UUID.fromString(guest.uuid()), actor.login(), from, SERIAL_CHUNK)
                    .map(chunk -> SerialOutput.of(chunk.offset(), chunk.bytes()))
                    .orElse(new SerialOutput(0, 0, ""));
        } catch (RuntimeException e) {
            throw hostFailed("read the serial output of '" + guest.name() + "'", e);
        }
    }

    private interface HostStep {
        void run(UUID guest);
    }

    /**
     * A QMP action: claim the state it leads to, ask QEMU, and step back with QEMU's words if it refuses, or without
     * words if the agent could not be reached.
     */
    private GuestView onHost(Actor actor, long guestId, AuditAction audited, GuestAction action, GuestState next,
                             HostStep step) {
        Guest before = registry.get(actor, guestId);
        Guest guest = audited(actor, audited, target(actor, guestId),
                () -> registry.claim(actor, guestId, action, next));
        inFlight.add(guestId);
        try {
            step.run(UUID.fromString(guest.uuid()));
        } catch (RuntimeException e) {
            registry.advance(guestId, next, before.state(),
                    AgentFaults.isUnreachable(e) ? null : bounded(e.getMessage()));
            throw hostFailed(action.verb() + " '" + guest.name() + "'", e);
        } finally {
            inFlight.remove(guestId);
        }
        return get(actor, guestId);
    }

    GuestDefinition definition(String login, Guest guest) {
        ImageCatalog.Boot boot = images.boot(guest.imageId());
        return new GuestDefinition(UUID.fromString(guest.uuid()), guest.name(), login, guest.vcpus(),
                guest.memoryMib(), boot.kind(), boot.imageId(), Nic.USER);
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

    /**
     * The caller's refusal for a failed host step: 503 for an agent that could not be reached, the refusal's own
     * status (see AgentFaults) for the agent's words, and 502 for anything else the host failed at.
     */
    private static RuntimeException hostFailed(String what, RuntimeException cause) {
        if (cause instanceof HostUnreachableException unreachable) {
            return AgentFaults.unreachable(unreachable);
        }
        if (cause instanceof PortalException portal && portal.fault() != Fault.INVALID_INPUT) {
            return new GuestException(portal.fault(), portal.getMessage());
        }
        Fault fault = cause instanceof HostRefusedException refused ? AgentFaults.fault(refused) : Fault.HOST_FAILED;
        return new GuestException(fault, "Could not " + what + ": " + bounded(cause.getMessage()));
    }

    static String bounded(String message) {
        String text = message == null ? "unknown error" : message;
        return text.length() > 1500 ? text.substring(text.length() - 1500) : text;
    }
}
