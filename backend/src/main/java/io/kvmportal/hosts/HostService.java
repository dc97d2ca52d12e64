package io.kvmportal.hosts;

import io.kvmportal.api.Actor;
import io.kvmportal.host.Host;
import io.kvmportal.host.HostReport;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

/** The admin's view of this host. */
@Singleton
public class HostService {
    private final Host host;
    private final HostAllocationRepository allocations;

    HostService(Host host, HostAllocationRepository allocations) {
        this.host = host;
        this.allocations = allocations;
    }

    @ReadOnly
    public HostOverview overview(Actor actor) {
        if (!actor.admin()) {
            throw new HostAccessException("Only an admin may see the host.");
        }
        HostReport report = host.report();
        HostAllocationRepository.Allocation running = allocations.running();
        return new HostOverview(report.autoAccelerator().accelerator().name(), report.autoAccelerator().reason(),
                report.kvm().availability().name(), report.kvm().text(), report.kvm().apiVersion(),
                report.kvm().recommendedVcpus(), report.kvm().maxVcpus(), report.kvm().pvm(), report.qemu().text(),
                HostCapacity.cores(), HostCapacity.memoryMib(), running.vcpus(), running.memoryMib(),
                running.guests());
    }
}
