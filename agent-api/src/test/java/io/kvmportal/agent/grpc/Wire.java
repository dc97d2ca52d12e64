package io.kvmportal.agent.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** A {@link MemoryAgent} served by a real AgentServer on a unix socket under a test's directory, and a client. */
final class Wire implements AutoCloseable {
    final MemoryAgent agent = new MemoryAgent();
    final Path socket;
    final AgentServer server;
    final GrpcHostAgent client;

    Wire(Path directory) {
        this(directory, Duration.ofSeconds(10));
    }

    Wire(Path directory, Duration deadline) {
        socket = directory.resolve("agent.sock");
        server = AgentServer.start(agent, socket, Set.of(uid()), gid());
        client = GrpcHostAgent.overUnixSocket(socket, deadline);
    }

    /** This process's uid and gid, as the kernel reports them for its own /proc entry. */
    static int uid() {
        return attribute("unix:uid");
    }

    static int gid() {
        return attribute("unix:gid");
    }

    private static int attribute(String name) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
