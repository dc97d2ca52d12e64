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
 * screens at {@link #screenSocket()} ({@code portal.console.screen-socket}). {@link #stop} and {@link #restart} end
 * the agent and start a new one on the same data directory and socket, as a restarted agent process would: guests
 * keep running meanwhile. {@link #close} stops both and removes the scratch directory; the data directory and what
 * guests left are the test's to remove.
 */
public final class ScratchAgent implements AutoCloseable {
    private final Path scratch;
    private final Path dataDir;
    private final HostConfig config;
    private final int uid;
    private final int gid;
    private LocalAgent agent;
    private AgentServer server;

    private ScratchAgent(Path scratch, Path dataDir, HostConfig config, int uid, int gid) {
        this.scratch = scratch;
        this.dataDir = dataDir;
        this.config = config;
        this.uid = uid;
        this.gid = gid;
    }

    /** An agent keeping guests and images under {@code dataDir}, with guests' cgroups under {@code cgroupParent}. */
    public static ScratchAgent start(Path dataDir, String cgroupParent) throws IOException {
        Path scratch = TestNames.tempDirectory();
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            HostConfig config = new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                    dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.AUTO, Duration.ofSeconds(60),
                    cgroupParent);
            // The screen socket's directory is the portal's own, made for it beforehand (as AgentMain and run.sh do).
            Files.createDirectory(scratch.resolve("portal"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            ScratchAgent scratchAgent = new ScratchAgent(scratch, dataDir, config, uid, gid);
            scratchAgent.serve();
            return scratchAgent;
        } catch (RuntimeException | IOException e) {
            TestNames.deleteTree(scratch);
            throw e;
        }
    }

    private synchronized void serve() {
        if (server != null) {
            throw new IllegalStateException("the agent is running already");
        }
        LocalAgent local = new LocalAgent(config, screenSocket(), uid);
        try {
            server = AgentServer.start(local, socket(), Set.of(uid), gid);
            agent = local;
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    /**
     * Ends the agent as its process ending would: its socket goes away and it stops watching guests, which keep
     * running (a Host only stops watching when it closes). The portal's screen listener is the portal's and stays.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } finally {
            agent.close();
            server = null;
            agent = null;
        }
    }

    /** A new agent on the same data directory, socket and cgroup parent, after {@link #stop}. */
    public void restart() {
        serve();
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
            stop();
        } finally {
            TestNames.deleteTree(scratch);
        }
    }
}
