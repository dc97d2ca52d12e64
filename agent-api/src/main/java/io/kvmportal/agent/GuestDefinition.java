package io.kvmportal.agent;

import java.util.UUID;

/**
 * A guest as its agent starts it: identity, owner's login, size, what it boots ({@code bootImageId} names the ISO
 * for {@link BootKind#CDROM} and the image whose kernel is kept for {@link BootKind#KERNEL}; null for
 * {@link BootKind#DISK}) and its network card. The agent checks every value.
 */
public record GuestDefinition(UUID uuid, String name, String login, int vcpus, int memoryMib, BootKind boot,
                              String bootImageId, Nic nic) {
}
