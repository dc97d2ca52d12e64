package io.kvmportal.host.testing;

import io.kvmportal.agent.grpc.AgentServer;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.agent.LocalAgent;
import io.kvmportal.host.kvm.Accelerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real host agent in the test's own process, for portals under test: {@link LocalAgent} over a data directory the
 * test chose, served by {@link AgentServer} on a unix socket in a scratch directory, to callers of this process's uid
 * only. The portal under test reaches it through {@link #socket()} ({@code portal.host.agent-socket}) and listens for
 * screens at {@link #screenSocket()} ({@code portal.console.screen-socket}). {@link #close} stops both and removes the
 * scratch directory; the data directory and what guests left are the test's to remove.
 */
public final class ScratchAgent implements AutoCloseable {
    private final Path scratch;
    private final Path dataDir;
    private final LocalAgent agent;
    private final AgentServer server;

    private ScratchAgent(Path scratch, Path dataDir, LocalAgent agent, AgentServer server) {
        this.scratch = scratch;
        this.dataDir = dataDir;
        this.agent = agent;
        this.server = server;
    }

    /** An agent keeping guests and images under {@code dataDir}, with guests' cgroups under {@code cgroupParent}. */
    public static ScratchAgent start(Path dataDir, String cgroupParent) throws IOException {
        Path scratch = TestNames.tempDirectory();
        LocalAgent agent = null;
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            HostConfig config = new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                    dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.AUTO, Duration.ofSeconds(60),
                    cgroupParent);
            // The screen socket's directory is the portal's own, made for it beforehand (as AgentMain and run.sh do).
            Path portal = Files.createDirectory(scratch.resolve("portal"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            agent = new LocalAgent(config, portal.resolve("screens.sock"), uid);
            AgentServer server = AgentServer.start(agent, scratch.resolve("agent.sock"), Set.of(uid), gid);
            return new ScratchAgent(scratch, dataDir, agent, server);
        } catch (RuntimeException | IOException e) {
            if (agent != null) {
                agent.close();
            }
            TestNames.deleteTree(scratch);
            throw e;
        }
    }

    /** The agent's socket: {@code portal.host.agent-socket}. */
    public Path socket() {
        return scratch.resolve("agent.sock");
    }

    /** Where the portal listens for guests' screens: {@code portal.console.screen-socket}. */
    public Path screenSocket() {
        return scratch.resolve("portal").resolve("screens.sock");
    }

    /** The file of an image in the agent's store, as the agent lays it out: {@code images/<id>.<format>}. */
    public Path imageFile(String imageId, String format) {
        return dataDir.resolve("images").resolve(imageId + "." + format);
    }

    /** The kernel and initrd the agent keeps beside an image that guests boot directly. */
    public List<Path> bootFiles(String imageId) {
        return List.of(dataDir.resolve("images").resolve(imageId + ".vmlinuz"),
                dataDir.resolve("images").resolve(imageId + ".initrd"));
    }

    /** Uploads the agent has staged and not yet admitted or discarded. */
    public List<Path> staged() {
        try (Stream<Path> files = Files.list(dataDir.resolve("images").resolve("incoming"))) {
            return files.filter(file -> file.getFileName().toString().startsWith("upload-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            agent.close();
            TestNames.deleteTree(scratch);
        }
    }
}
