package io.kvmportal.host.kvm;

import java.util.Objects;

/**
 * The accelerator a guest will run with, and why, in words the UI can show.
 *
 * <p>KVM is chosen only where it can run a standard guest: /dev/kvm present, usable, and not the
 * nested PVM device (there QMP reports KVM enabled and SeaBIOS runs, but a stock kernel stops with
 * "KVM internal error ... emulation failure"). An explicit KVM request is refused for the same reasons,
 * rather than starting a guest that cannot boot. AUTO's reason for TCG names the cost too: a person reading "TCG"
 * on the Host page should not have to know that it means emulation.
 */
public record AcceleratorChoice(Accelerator accelerator, String reason) {
    /** What AUTO's fallback means for the guests, after the reason KVM cannot be used. */
    private static final String TCG_FALLBACK = ", so guests run under TCG (emulation, slower)";

    public AcceleratorChoice {
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(reason, "reason");
        if (accelerator == Accelerator.AUTO) {
            throw new IllegalArgumentException("a choice is KVM or TCG, not AUTO");
        }
    }

    public static AcceleratorChoice choose(Accelerator requested, KvmStatus kvm) {
        switch (requested) {
            case TCG:
                return tcgRequested();
            case KVM:
                if (kvm.runsStockGuests()) {
                    return new AcceleratorChoice(Accelerator.KVM, "KVM requested; " + kvmReason(kvm));
                }
                throw new AcceleratorUnavailableException("KVM requested, but " + noKvmReason(kvm));
            default:
                return kvm.runsStockGuests()
                        ? new AcceleratorChoice(Accelerator.KVM, kvmReason(kvm))
                        : new AcceleratorChoice(Accelerator.TCG, noKvmReason(kvm) + TCG_FALLBACK);
        }
    }

    /** TCG asked for: it needs no device, so nothing has to be probed for it. */
    public static AcceleratorChoice tcgRequested() {
        return new AcceleratorChoice(Accelerator.TCG, "TCG requested");
    }

    private static String kvmReason(KvmStatus kvm) {
        return "/dev/kvm usable (API " + kvm.apiVersion() + ")";
    }

    private static String noKvmReason(KvmStatus kvm) {
        switch (kvm.availability()) {
            case ABSENT:
                return "no /dev/kvm on this host";
            case NO_PERMISSION:
                return "no permission on /dev/kvm";
            default:
                return "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels";
        }
    }
}
