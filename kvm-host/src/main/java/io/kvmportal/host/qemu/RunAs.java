package io.kvmportal.host.qemu;

/**
 * The Linux account a guest's QEMU runs as (the guest owner's {@code kvmp-<login>}). Never root: a QEMU
 * escape must end in an account that owns nothing but its own guests.
 */
public record RunAs(int uid, int gid) {
    public RunAs {
        if (uid <= 0 || gid <= 0) {
            throw new IllegalArgumentException("uid " + uid + " gid " + gid + ": a guest never runs as root or a negative id");
        }
    }
}
