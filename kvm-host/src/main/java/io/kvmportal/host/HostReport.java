package io.kvmportal.host;

import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.KvmStatus;
import io.kvmportal.host.qemu.QemuVersion;

/**
 * What this host offers for running guests: /dev/kvm as the portal process sees it, the accelerator
 * AUTO resolves to and why, and the installed QEMU.
 */
public record HostReport(KvmStatus kvm, AcceleratorChoice autoAccelerator, QemuVersion qemu) {
}
