package io.kvmportal.guest;

/**
 * Where a guest is in its life. The portal writes a transitional state (CREATING, STARTING, STOPPING,
 * DELETING) before it asks the host, so a request that races another sees the guest busy, not idle.
 */
public enum GuestState {
    CREATING,
    STOPPED,
    STARTING,
    RUNNING,
    PAUSED,
    STOPPING,
    DELETING;

    /** Whether a guest in this state holds its vCPUs and memory against the running-guest limits. */
    public boolean holdsRunResources() {
        return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
    }

    /** QEMU runs and has a screen to show: running or paused. */
    public boolean hasScreen() {
        return this == RUNNING || this == PAUSED;
    }

    /** The portal and the host are between two states (creating, starting, stopping, deleting). */
    public boolean transitional() {
        return this == CREATING || this == STARTING || this == STOPPING || this == DELETING;
    }
}
