package io.kvmportal.host.testing;

import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.guest.GuestExitListener;
import io.kvmportal.host.guest.RunState;
import io.kvmportal.host.kvm.Accelerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

/**
 * A {@link Host} over a scratch data directory (0711, as the portal makes it) and a cgroup parent of its own, for a
 * test that makes accounts and starts a guest. {@link #remove} takes away what such a test can leave, passed or not.
 */
public final class ScratchHost {
    private final Path dataDir;
    private final String cgroupParent = TestNames.random();
    private final Host host;

    public ScratchHost(Accelerator accelerator, GuestExitListener listener) throws IOException {
        this(accelerator, listener, null, -1);
    }

    /** As above, handing guests' screens to a listener of uid {@code portalUid} at {@code portalScreenSocket}. */
    public ScratchHost(Accelerator accelerator, GuestExitListener listener, Path portalScreenSocket, int portalUid)
            throws IOException {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        host = new Host(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                dataDir.resolve(HostConfig.INSTALLATION_ID), accelerator, Duration.ofSeconds(60), cgroupParent,
                portalScreenSocket, portalUid), listener);
    }

    public Host host() {
        return host;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String cgroupParent() {
        return cgroupParent;
    }

    /**
     * Forces {@code guest} off if it still runs and stops watching; then, whatever failed, removes the logins'
     * accounts, the guest's cgroup, the parent and the data directory.
     */
    public void remove(UUID guest, String... logins) throws IOException {
        try {
            if (host.state(guest) != RunState.NOT_RUNNING) {
                host.forceOff(guest);
            }
            host.close();
        } finally {
            removeLeftovers(dataDir, cgroupParent, guest, logins);
        }
    }

    /**
     * What a test of a guest on a scratch data directory leaves once its host or agent is closed: the logins'
     * accounts, the guest's cgroup, the cgroup parent and the data directory.
     */
    public static void removeLeftovers(Path dataDir, String cgroupParent, UUID guest, String... logins)
            throws IOException {
        for (String login : logins) {
            HostLeftovers.removeAccountOf(login);
        }
        new GuestCgroups(cgroupParent).destroy(guest.toString());
        new GuestCgroups(cgroupParent).removeParentIfEmpty();
        TestNames.deleteTree(dataDir);
    }
}
