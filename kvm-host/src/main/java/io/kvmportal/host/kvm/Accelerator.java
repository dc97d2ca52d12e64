package io.kvmportal.host.kvm;

/** How a guest is run: KVM, QEMU's software emulation (TCG), or whichever this host can do. */
public enum Accelerator {
    AUTO,
    KVM,
    TCG;

    /** The value of QEMU's {@code accel=} property; AUTO has none, it must be chosen first. */
    public String qemuName() {
        if (this == AUTO) {
            throw new IllegalStateException("AUTO must be resolved with AcceleratorChoice before use");
        }
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
