package io.kvmportal.host.agent;

import io.kvmportal.host.HostConfig;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestGuestImage;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A {@link LocalAgent} called directly, without the transport (the served one, for portals under test, is
 * {@link io.kvmportal.host.testing.ScratchAgent}), over a scratch data directory and cgroup parent, as
 * {@link ScratchHost} is for a Host; the demo image is built from the test guest's cache. {@link #remove} takes away
 * what a test can leave, passed or not: the guest forced off, the logins' accounts, the guest's cgroup, the parent,
 * the directory.
 */
final class ScratchLocalAgent {
    private final Path dataDir;
    private final String cgroupParent = TestNames.random();
    private final LocalAgent agent;

    ScratchLocalAgent(Accelerator accelerator) throws IOException {
        dataDir = TestNames.tempDirectory();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        HostConfig config = new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                dataDir.resolve(HostConfig.INSTALLATION_ID), accelerator, Duration.ofSeconds(60), cgroupParent);
        agent = new LocalAgent(config, dataDir.resolve("screens.sock"), 0, TestGuestImage.cacheRoot());
    }

    LocalAgent agent() {
        return agent;
    }

    Path dataDir() {
        return dataDir;
    }

    String cgroupParent() {
        return cgroupParent;
    }

    void remove(UUID guest, String... logins) throws IOException {
        try {
            if (agent.processes(List.of(guest)).containsKey(guest)) {
                agent.forceOff(guest);
            }
            agent.close();
        } finally {
            ScratchHost.removeLeftovers(dataDir, cgroupParent, guest, logins);
        }
    }
}
