package io.kvmportal.agent;

/** The version of the portal-agent protocol; both sides must speak the same. */
public final class Protocol {
    /** Raised whenever a call, a field's meaning or a check changes incompatibly. */
    public static final int VERSION = 1;

    private Protocol() {
    }

    /** The words for a mismatch, naming both sides' versions. */
    public static String mismatch(int portal, int agent) {
        return "The portal speaks protocol version " + portal + " and the host agent version " + agent
                + "; run the same kvm-portal release on both.";
    }
}
