package io.kvmportal.web;

import com.sun.security.auth.module.UnixSystem;
import java.util.Optional;

/**
 * The portal does not run as root. It is the part of the product exposed to the network, and since the host agent
 * took over everything that needs root (accounts, /dev/kvm, guests' files and processes), root would only make a
 * flaw in the web stack a flaw of the whole host. Checked in {@code main}, before anything starts, and not in the
 * Micronaut context: integration tests run the context in a test JVM that is root.
 */
final class RootRefusal {
    /** EX_NOPERM of sysexits.h: a supervisor (systemd, run.sh) sees a refusal, not a crash. */
    static final int EXIT_CODE = 77;

    private RootRefusal() {
    }

    /**
     * The uid of this JVM. {@link UnixSystem} reports the real uid; a JVM is never set-uid, so it is also the
     * effective one.
     */
    static long currentUid() {
        return new UnixSystem().getUid();
    }

    /** Why a portal of this uid must not run, and how to start it instead; empty for any uid but root's. */
    static Optional<String> reasonFor(long uid) {
        if (uid != 0) {
            return Optional.empty();
        }
        return Optional.of(String.join(System.lineSeparator(),
                "kvm-portal refuses to run as root. It serves the web and needs no privileges: the host agent",
                "(kvm-host-agent.jar) is the one process that runs as root, and the portal reaches the host",
                "through it. Start both with one of:",
                "  sudo ./run.sh        (from the source tree: the agent as root, the portal as kvm-portal)",
                "  systemctl start kvm-host-agent kvm-portal        (the units in packaging/systemd)",
                "  or, with the agent running, as root:",
                "  setpriv --reuid=kvm-portal --regid=kvm-portal --init-groups --inh-caps=-all --bounding-set=-all"
                        + " --no-new-privs -- java -jar kvm-portal.jar"));
    }
}
