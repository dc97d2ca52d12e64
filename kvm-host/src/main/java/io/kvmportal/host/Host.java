package io.kvmportal.host;

import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.KvmProbe;
import io.kvmportal.host.kvm.KvmStatus;
import io.kvmportal.host.qemu.QemuCommandLine;
import io.kvmportal.host.qemu.QemuVersion;
import io.kvmportal.host.qemu.RunAs;

/** The facade the web modules (and later a host agent) call. It grows command by command. */
public final class Host {
    private final KvmProbe kvmProbe;

    public Host() {
        this(new KvmProbe());
    }

    Host(KvmProbe kvmProbe) {
        this.kvmProbe = kvmProbe;
    }

    /** What this host offers, as the portal process sees it. */
    public HostReport report() {
        KvmStatus kvm = kvmProbe.probe();
        return new HostReport(kvm, AcceleratorChoice.choose(Accelerator.AUTO, kvm), QemuVersion.installed(QemuCommandLine.BINARY));
    }

    /**
     * The accelerator a guest running as {@code account} gets. /dev/kvm is probed with that account's
     * credentials, not the portal's: root can always open it, QEMU as the account may not (no ACL entry
     * yet, or the node was recreated and lost it). Explicit KVM that cannot work is refused here,
     * before a QEMU is started that would fail.
     */
    public AcceleratorChoice chooseAccelerator(Accelerator requested, RunAs account) {
        if (requested == Accelerator.TCG) {
            return AcceleratorChoice.choose(requested, kvmProbe.probe());
        }
        return AcceleratorChoice.choose(requested, kvmProbe.probeAs(account.uid(), account.gid()));
    }
}
