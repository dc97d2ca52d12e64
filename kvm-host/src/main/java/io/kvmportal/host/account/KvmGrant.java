package io.kvmportal.host.account;

import java.util.Objects;

/**
 * One named-user entry of /dev/kvm's ACL. {@code user} is the account name, or the bare uid when no
 * account has that uid any more (a leftover that should be revoked). The flags are the entry as set,
 * before the ACL mask.
 */
public record KvmGrant(String user, boolean read, boolean write) {
    public KvmGrant {
        Objects.requireNonNull(user, "user");
    }

    /** Both read and write: what opening /dev/kvm for QEMU needs. */
    public boolean readWrite() {
        return read && write;
    }
}
