package io.kvmportal.host.qemu;

/** A guest's network card. */
public enum Nic {
    /** No network device at all. */
    NONE,
    /**
     * A virtio NIC on QEMU user-mode networking with {@code restrict=on}: DHCP works, but the guest
     * reaches neither the host nor the outside. Unrestricted, 10.0.2.2 is the host's own loopback, so a
     * hostile guest could talk to the portal, PostgreSQL and anything else bound to 127.0.0.1.
     */
    USER
}
