package io.kvmportal.hosts;

import io.kvmportal.agent.AccountNames;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.OwnedGuest;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The admin's view of this host, as its agent reports it; an unreachable agent is a 503 (agentlink.AgentFaults). */
@Singleton
public class HostService {
    private final HostAgent agent;
    private final HostAllocationRepository allocations;
    private final GuestRegistry guests;

    HostService(HostAgent agent, HostAllocationRepository allocations, GuestRegistry guests) {
        this.agent = agent;
        this.allocations = allocations;
        this.guests = guests;
    }

    @ReadOnly
    public HostOverview overview(Actor actor) {
        requireAdmin(actor);
        AgentIdentity identity = agent.identify();
        HostFacts facts = agent.facts();
        HostAllocationRepository.Allocation running = allocations.running();
        return new HostOverview(facts.accelerator().name(), facts.acceleratorReason(), facts.kvmAvailability().name(),
                facts.kvmText(), facts.kvmApiVersion(), facts.kvmRecommendedVcpus(), facts.kvmMaxVcpus(),
                facts.kvmPvm(), facts.qemuVersion(), facts.cores(), facts.memoryMib(), running.vcpus(),
                running.memoryMib(), running.guests(), identity.protocol(), identity.version(), identity.pid(),
                facts.agentRssBytes());
    }

    /** Every guest's QEMU process on this host, busiest first, as {@code top} would list them: one agent call. */
    public List<RunningGuest> processes(Actor actor) {
        requireAdmin(actor);
        List<OwnedGuest> live = guests.allWithOwners().stream()
                .filter(owned -> owned.guest().state().holdsRunResources()).toList();
        Map<UUID, GuestProcess> processes = live.isEmpty() ? Map.of()
                : agent.processes(live.stream().map(owned -> UUID.fromString(owned.guest().uuid())).toList());
        return live.stream()
                .map(owned -> running(owned.guest(), owned.login(),
                        Optional.ofNullable(processes.get(UUID.fromString(owned.guest().uuid())))))
                .sorted(Comparator.comparing((RunningGuest g) -> g.cpuPercent() == null ? -1 : g.cpuPercent())
                        .reversed().thenComparing(RunningGuest::guestName))
                .toList();
    }

    private static RunningGuest running(Guest guest, String login, Optional<GuestProcess> process) {
        return new RunningGuest(guest.id(), guest.name(), login, AccountNames.of(login), guest.state().name(),
                guest.vcpus(), guest.memoryMib(), process.map(p -> (int) p.pid()).orElse(null),
                process.map(GuestProcess::state).orElse(null), process.map(GuestProcess::cpuPercent).orElse(null),
                process.map(GuestProcess::rssBytes).orElse(null), process.map(GuestProcess::threads).orElse(null),
                process.map(p -> p.uptime().toSeconds()).orElse(null));
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw new HostAccessException("Only an admin may see the host.");
        }
    }
}
