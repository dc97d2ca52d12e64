package io.kvmportal.hosts;

import io.kvmportal.api.Actor;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.host.Host;
import io.kvmportal.host.HostReport;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.qemu.ProcessView;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The admin's view of this host. */
@Singleton
public class HostService {
    private final Host host;
    private final HostAllocationRepository allocations;
    private final GuestRegistry guests;

    HostService(Host host, HostAllocationRepository allocations, GuestRegistry guests) {
        this.host = host;
        this.allocations = allocations;
        this.guests = guests;
    }

    @ReadOnly
    public HostOverview overview(Actor actor) {
        requireAdmin(actor);
        HostReport report = host.report();
        HostAllocationRepository.Allocation running = allocations.running();
        return new HostOverview(report.autoAccelerator().accelerator().name(), report.autoAccelerator().reason(),
                report.kvm().availability().name(), report.kvm().text(), report.kvm().apiVersion(),
                report.kvm().recommendedVcpus(), report.kvm().maxVcpus(), report.kvm().pvm(), report.qemu().text(),
                HostCapacity.cores(), HostCapacity.memoryMib(), running.vcpus(), running.memoryMib(),
                running.guests());
    }

    /** Every guest's QEMU process on this host, busiest first, as {@code top} would list them. */
    public List<RunningGuest> processes(Actor actor) {
        requireAdmin(actor);
        return guests.allWithOwners().stream()
                .filter(owned -> owned.guest().state().holdsRunResources())
                .map(owned -> running(owned.guest(), owned.login()))
                .sorted(Comparator.comparing((RunningGuest g) -> g.cpuPercent() == null ? -1 : g.cpuPercent())
                        .reversed().thenComparing(RunningGuest::guestName))
                .toList();
    }

    private RunningGuest running(Guest guest, String login) {
        Optional<ProcessView> process = host.processView(UUID.fromString(guest.uuid()));
        return new RunningGuest(guest.id(), guest.name(), login, LinuxAccountName.forLogin(login).value(),
                guest.state().name(), guest.vcpus(), guest.memoryMib(), process.map(ProcessView::pid).orElse(null),
                process.map(p -> p.state().name()).orElse(null), process.map(ProcessView::cpuPercent).orElse(null),
                process.map(ProcessView::rssBytes).orElse(null), process.map(ProcessView::threads).orElse(null),
                process.map(p -> p.uptime().toSeconds()).orElse(null));
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw new HostAccessException("Only an admin may see the host.");
        }
    }
}
