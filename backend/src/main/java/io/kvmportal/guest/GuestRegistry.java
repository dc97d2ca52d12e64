package io.kvmportal.guest;

import io.kvmportal.api.Actor;
import io.kvmportal.persistence.DataAccessException;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.quota.QuotaService;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * The database side of a guest's life: each step that needs quota checks it and claims the guest's next state
 * in one transaction behind the owner's row lock, before anything is asked of the host. Parallel requests of
 * one user take turns, so no burst can exceed a limit, and two requests for one guest cannot both win.
 */
@Singleton
public class GuestRegistry {
    private final GuestRepository guests;
    private final QuotaService quotas;
    private final ImageCatalog images;
    private final Clock clock;
    private final ApplicationEventPublisher<GuestChanged> changes;

    GuestRegistry(GuestRepository guests, QuotaService quotas, ImageCatalog images, Clock clock,
                  ApplicationEventPublisher<GuestChanged> changes) {
        this.guests = guests;
        this.images = images;
        this.quotas = quotas;
        this.clock = clock;
        this.changes = changes;
    }

    @ReadOnly
    public List<Guest> list(Actor actor) {
        return guests.findByOwner(actor.id());
    }

    @ReadOnly
    public Guest get(Actor actor, long guestId) {
        return guests.findOwned(guestId, actor.id()).orElseThrow(() -> GuestException.notFound(guestId));
    }

    /** Records a new guest as CREATING if the name is free and the guest count and disk quota allow it. */
    @Transactional
    public Guest reserveNew(Actor actor, NewGuest request) {
        NewGuest guest = request.validated();
        quotas.reserveGuest(actor.id(), guest.diskGib());
        if (guest.imageId() != null) {
            images.holdUsable(guest.imageId());
        }
        if (guests.nameTaken(actor.id(), guest.name())) {
            throw GuestException.nameTaken(guest.name());
        }
        try {
            long id = guests.insert(UUID.randomUUID().toString(), actor.id(), guest, GuestState.CREATING,
                    clock.instant());
            changed(actor.id(), id);
            return get(actor, id);
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw GuestException.nameTaken(guest.name());
            }
            throw e;
        }
    }

    /** Claims STARTING for a stopped guest if the running-guest limits allow one more of its size. */
    @Transactional
    public Guest reserveStart(Actor actor, long guestId) {
        Guest sized = get(actor, guestId);
        quotas.reserveRun(actor.id(), sized.vcpus(), sized.memoryMib());
        // Read again behind the lock: another request may have moved the guest meanwhile.
        Guest guest = get(actor, guestId);
        GuestAction.START.requireAllowedIn(guest.name(), guest.state());
        guests.transition(guestId, GuestState.STOPPED, GuestState.STARTING, null, clock.instant());
        changed(actor.id(), guestId);
        return get(actor, guestId);
    }

    /**
     * Moves a guest on after the host did its part (or failed: then {@code error} says why). Answers false if
     * the guest had left {@code from} meanwhile, which the caller treats as losing a race.
     */
    @Transactional
    public boolean advance(long guestId, GuestState from, GuestState to, String error) {
        boolean moved = guests.transition(guestId, from, to, error, clock.instant());
        if (moved) {
            guests.findOwner(guestId).ifPresent(owner -> changed(owner, guestId));
        }
        return moved;
    }

    @Transactional
    public void forget(long guestId) {
        guests.findOwner(guestId).ifPresent(owner -> {
            guests.delete(guestId);
            changed(owner, guestId);
        });
    }

    @ReadOnly
    public java.util.Optional<Guest> findByUuid(String uuid) {
        return guests.findByUuid(uuid);
    }

    @ReadOnly
    public List<OwnedGuest> allWithOwners() {
        return guests.findAllWithOwners();
    }

    /** Claims the next state for an action on one of the actor's guests; the action must suit its state. */
    @Transactional
    public Guest claim(Actor actor, long guestId, GuestAction action, GuestState next) {
        Guest guest = get(actor, guestId);
        action.requireAllowedIn(guest.name(), guest.state());
        if (!guests.transition(guestId, guest.state(), next, null, clock.instant())) {
            throw GuestException.wrongState(action.verb(), guest.name(), get(actor, guestId).state());
        }
        changed(actor.id(), guestId);
        return get(actor, guestId);
    }

    @Transactional
    public Guest rename(Actor actor, long guestId, String name) {
        Guest guest = get(actor, guestId);
        NewGuest.nameRefusal(name).ifPresent(refusal -> {
            throw GuestException.invalid("Cannot rename the guest: " + refusal + ".");
        });
        if (!guest.name().equals(name) && guests.nameTaken(actor.id(), name)) {
            throw GuestException.nameTaken(name);
        }
        guests.rename(guestId, name, clock.instant());
        changed(actor.id(), guestId);
        return get(actor, guestId);
    }

    /** Heard by {@link GuestChangeFeed} once this transaction commits. */
    private void changed(long ownerId, long guestId) {
        changes.publishEvent(new GuestChanged(ownerId, guestId));
    }
}
