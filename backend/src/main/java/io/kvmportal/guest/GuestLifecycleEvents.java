package io.kvmportal.guest;

import io.kvmportal.host.Host;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database true to the host: a QEMU that ended (powered off, killed, crashed) makes its guest
 * stopped, with the reason when it was not a clean power-off; and at start, guests that kept running through a
 * portal restart are watched again, while those that did not are marked stopped.
 */
@Singleton
class GuestLifecycleEvents implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(GuestLifecycleEvents.class);
    private static final List<GuestState> LIVE = List.of(GuestState.STOPPING, GuestState.RUNNING, GuestState.PAUSED,
            GuestState.STARTING);
    private final GuestRegistry registry;
    private final GuestService guests;
    private final Host host;

    GuestLifecycleEvents(GuestRegistry registry, GuestService guests, Host host) {
        this.registry = registry;
        this.guests = guests;
        this.host = host;
    }

    @EventListener
    void onEnded(GuestEnded ended) {
        registry.findByUuid(ended.uuid().toString()).ifPresent(guest -> {
            String error = ended.clean() ? null : "QEMU ended: " + ended.reason();
            for (GuestState from : LIVE) {
                if (registry.advance(guest.id(), from, GuestState.STOPPED, error)) {
                    return;
                }
            }
        });
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        for (OwnedGuest owned : registry.allWithOwners()) {
            Guest guest = owned.guest();
            try {
                reconcile(guest, owned.login());
            } catch (RuntimeException e) {
                LOG.warn("Cannot reconcile guest {} ({}): {}", guest.name(), guest.uuid(), e.getMessage());
            }
        }
        guests.removeUnusedImageFiles();
    }

    private void reconcile(Guest guest, String login) {
        UUID uuid = UUID.fromString(guest.uuid());
        if (guest.state() == GuestState.CREATING || guest.state() == GuestState.DELETING) {
            host.deleteGuest(uuid, login);
            registry.forget(guest.id());
            guests.released(guest);
        } else if (guest.state().holdsRunResources() && !host.reattach(guests.definition(login, guest))) {
            registry.advance(guest.id(), guest.state(), GuestState.STOPPED,
                    "QEMU was not running any more when the portal started.");
        }
    }
}
