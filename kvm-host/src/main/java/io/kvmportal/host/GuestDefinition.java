package io.kvmportal.host;

import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import java.util.UUID;

/**
 * A guest as the portal asks the host to run it: who owns it, its size, and what it boots. The host adds
 * the rest (run directory, disk path, accelerator, account) when it builds the QEMU spec.
 *
 * @param login  the owner's portal login; the guest runs as {@code kvmp-<login>}
 */
public record GuestDefinition(UUID uuid, String name, String login, int vcpus, int memoryMib, BootSource boot,
                              Nic nic) {
}
