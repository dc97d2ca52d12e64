package io.kvmportal.hosts;

import io.micronaut.serde.annotation.Serdeable;

/**
 * What an admin needs to know of this host at a glance: which accelerator guests get and why, /dev/kvm as the
 * agent probed it, the QEMU in use, capacity against what running guests are given, and the host agent itself
 * (its protocol, build, pid and resident memory).
 */
@Serdeable
public record HostOverview(String accelerator, String acceleratorReason, String kvmAvailability, String kvmText,
                           int kvmApiVersion, int kvmRecommendedVcpus, int kvmMaxVcpus, boolean nestedPvm,
                           String qemuVersion, int cores, long memoryMib, int allocatedVcpus,
                           long allocatedMemoryMib, int runningGuests, int agentProtocol, String agentVersion,
                           long agentPid, long agentRssBytes) {
}
