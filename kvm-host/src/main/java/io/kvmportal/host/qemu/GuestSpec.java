package io.kvmportal.host.qemu;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.kvmportal.host.kvm.Accelerator;

/**
 * Everything needed to start one guest, validated on construction so that a spec that exists is one
 * QEMU may be given. Every value here ends up inside a QEMU option, so the rules are also the defence
 * against option injection: names have a safe charset, paths are absolute, normalised and comma-free.
 *
 * @param disk          the guest's qcow2 overlay, or empty for a diskless (kernel-booted) guest
 * @param accelerator   KVM or TCG, already chosen (see {@link io.kvmportal.host.kvm.AcceleratorChoice})
 * @param runDirectory  holds the sockets, logs and pid file; the account's own, mode 0700
 */
public record GuestSpec(String name, UUID uuid, int vcpus, int memoryMib, Optional<Path> disk, BootSource boot,
        Accelerator accelerator, Nic nic, Path runDirectory) {
    public static final int MIN_VCPUS = 1;
    /** q35 without an emulated IOMMU addresses 255 APIC ids. */
    public static final int MAX_VCPUS = 255;
    public static final int MIN_MEMORY_MIB = 64;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;
    /** QEMU's VNC server, in the run directory; never a TCP port. */
    public static final String VNC_SOCKET = "vnc.sock";

    public GuestSpec {
        List<String> problems = GuestSpecRules.problems(name, uuid, vcpus, memoryMib, disk, boot, accelerator, nic, runDirectory);
        if (!problems.isEmpty()) {
            throw new InvalidGuestSpecException(problems);
        }
    }

    /**
     * Checks what a caller (the portal) gives for a guest, before the host makes anything for it: the same rules as
     * the spec's, for the values the caller chooses.
     */
    public static void checkDefinition(String name, UUID uuid, int vcpus, int memoryMib, BootSource boot, Nic nic) {
        List<String> problems = GuestSpecRules.problems(name, uuid, vcpus, memoryMib, boot, nic);
        if (!problems.isEmpty()) {
            throw new InvalidGuestSpecException(problems);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path qmpSocket() {
        return runDirectory.resolve("qmp.sock");
    }

    public Path vncSocket() {
        return runDirectory.resolve(VNC_SOCKET);
    }

    public Path serialSocket() {
        return runDirectory.resolve("serial.sock");
    }

    public Path serialLog() {
        return runDirectory.resolve("serial.log");
    }

    public Path pidFile() {
        return runDirectory.resolve("qemu.pid");
    }

    /** Collects values; {@link #build()} validates them all at once. Defaults: 1 vCPU, 256 MiB, user NIC. */
    public static final class Builder {
        private String name;
        private UUID uuid;
        private int vcpus = 1;
        private int memoryMib = 256;
        private Path disk;
        private BootSource boot;
        private Accelerator accelerator;
        private Nic nic = Nic.USER;
        private Path runDirectory;

        private Builder() {
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder uuid(UUID value) {
            this.uuid = value;
            return this;
        }

        public Builder vcpus(int value) {
            this.vcpus = value;
            return this;
        }

        public Builder memoryMib(int value) {
            this.memoryMib = value;
            return this;
        }

        public Builder disk(Path value) {
            this.disk = value;
            return this;
        }

        public Builder boot(BootSource value) {
            this.boot = value;
            return this;
        }

        public Builder accelerator(Accelerator value) {
            this.accelerator = value;
            return this;
        }

        public Builder nic(Nic value) {
            this.nic = value;
            return this;
        }

        public Builder runDirectory(Path value) {
            this.runDirectory = value;
            return this;
        }

        public GuestSpec build() {
            return new GuestSpec(name, uuid, vcpus, memoryMib, Optional.ofNullable(disk), boot, accelerator, nic, runDirectory);
        }
    }
}
