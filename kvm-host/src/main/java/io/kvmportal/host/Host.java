package io.kvmportal.host;

import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.KvmProbe;
import io.kvmportal.host.kvm.KvmStatus;
import io.kvmportal.host.qemu.QemuVersion;

/** The facade the web modules (and later a host agent) call. It grows command by command. */
public final class Host {
    public static final String QEMU_BINARY = "qemu-system-x86_64";

    private final KvmProbe kvmProbe;

    public Host() {
        this(new KvmProbe());
    }

    Host(KvmProbe kvmProbe) {
        this.kvmProbe = kvmProbe;
    }

    public HostReport report() {
        KvmStatus kvm = kvmProbe.probe();
        return new HostReport(kvm, AcceleratorChoice.choose(Accelerator.AUTO, kvm), QemuVersion.installed(QEMU_BINARY));
    }
}
