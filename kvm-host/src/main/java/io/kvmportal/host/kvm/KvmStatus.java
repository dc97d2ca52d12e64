package io.kvmportal.host.kvm;

import java.util.Objects;

/**
 * What a probe of /dev/kvm found. The numbers are 0 unless {@code availability} is PRESENT.
 *
 * @param pvm            /dev/kvm is the nested PVM device (kvm_pvm), which cannot run stock kernels
 * @param hardwareVirt   kvm_intel or kvm_amd is loaded: a real VT-x/AMD-V host
 * @param text           one line a person can read, naming the reason
 */
public record KvmStatus(KvmAvailability availability, int apiVersion, int recommendedVcpus, int maxVcpus,
        boolean pvm, boolean hardwareVirt, String text) {
    public KvmStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(text, "text");
    }

    /** KVM can run a standard guest: present and not the PVM device. */
    public boolean runsStockGuests() {
        return availability == KvmAvailability.PRESENT && !pvm;
    }
}
