package io.kvmportal.guest;

import io.kvmportal.agent.AccountNames;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agentlink.AgentLink;
import io.kvmportal.api.Actor;
import io.kvmportal.image.ImageCatalog;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Guests as their owner sees them: with their image's name, their Linux account, and their QEMU's figures, asked of
 * the agent in one call for the whole list. While the agent is unreachable the figures are empty and the page
 * still shows what the database knows.
 */
@Singleton
class GuestViews {
    private final ImageCatalog images;
    private final HostAgent agent;
    private final AgentLink link;

    GuestViews(ImageCatalog images, HostAgent agent, AgentLink link) {
        this.images = images;
        this.agent = agent;
        this.link = link;
    }

    List<GuestView> of(Actor actor, List<Guest> guests) {
        Map<Long, String> imageNames = images.names();
        Map<UUID, GuestProcess> processes = processes(guests);
        return guests.stream().map(guest -> view(actor, guest, imageNames, processes)).toList();
    }

    /** None while the agent is known to be away, so that a lost agent is not asked again for every page. */
    private Map<UUID, GuestProcess> processes(List<Guest> guests) {
        List<UUID> live = guests.stream().filter(guest -> guest.state().holdsRunResources())
                .map(guest -> UUID.fromString(guest.uuid())).toList();
        if (live.isEmpty() || !link.reachable()) {
            return Map.of();
        }
        try {
            return agent.processes(live);
        } catch (HostUnreachableException e) {
            link.lost();
            return Map.of();
        }
    }

    private static GuestView view(Actor actor, Guest guest, Map<Long, String> imageNames,
                                  Map<UUID, GuestProcess> processes) {
        String imageName = guest.imageId() == null ? null : imageNames.get(guest.imageId());
        Optional<GuestProcess> process = guest.state().holdsRunResources()
                ? Optional.ofNullable(processes.get(UUID.fromString(guest.uuid()))) : Optional.empty();
        return new GuestView(guest, imageName, AccountNames.of(actor.login()),
                process.map(p -> (int) p.pid()).orElse(null), process.map(GuestProcess::state).orElse(null),
                process.map(GuestProcess::cpuPercent).orElse(null), process.map(GuestProcess::rssBytes).orElse(null),
                process.map(GuestProcess::threads).orElse(null),
                process.map(p -> p.uptime().toSeconds()).orElse(null));
    }
}
