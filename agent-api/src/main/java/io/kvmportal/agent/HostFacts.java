package io.kvmportal.agent;

/**
 * What a host offers: /dev/kvm as its agent probed it, the accelerator guests get by default and why, QEMU's
 * version line, the machine's cores and memory, and the agent's own resident memory.
 */
public record HostFacts(KvmAvailability kvmAvailability, String kvmText, int kvmApiVersion, int kvmRecommendedVcpus,
                        int kvmMaxVcpus, boolean kvmPvm, Accelerator accelerator, String acceleratorReason,
                        String qemuVersion, int cores, long memoryMib, long agentRssBytes) {
}
