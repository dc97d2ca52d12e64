package io.kvmportal.host;

import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.Nic;
import java.util.UUID;

/**
 * A guest as the portal asks the host to run it: who owns it, its size, and what it boots. The host adds
 * the rest (run directory, disk path, accelerator, account) when it builds the QEMU spec.
 *
 * <p>Checked on construction by the spec's rules: a portal that has been taken over is still refused a name QEMU
 * would read as options, a size past the limits or a login that names no kvmp- account, before the host makes
 * the owner's account or the guest's cgroup. Where boot files may be is the host's check (its image store).
 *
 * @param login  the owner's portal login; the guest runs as {@code kvmp-<login>}
 */
public record GuestDefinition(UUID uuid, String name, String login, int vcpus, int memoryMib, BootSource boot,
                              Nic nic) {
    public GuestDefinition {
        LinuxAccountName.forLogin(login);
        GuestSpec.checkDefinition(name, uuid, vcpus, memoryMib, boot, nic);
    }
}
