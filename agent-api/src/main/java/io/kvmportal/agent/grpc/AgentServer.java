package io.kvmportal.agent.grpc;

import io.kvmportal.agent.HostAgent;
import java.nio.file.Path;
import java.util.Set;

/**
 * The agent's end of the protocol: serves a {@link HostAgent} on a unix socket, to callers whose uid
 * ({@code SO_PEERCRED}) is one of {@code callerUids} and whose protocol version is {@link io.kvmportal.agent.Protocol#VERSION}.
 */
public final class AgentServer implements AutoCloseable {

    /**
     * Binds {@code socket} (replacing a stale one), gives it to group {@code socketGid} with mode 0660, and serves.
     */
    public static AgentServer start(HostAgent agent, Path socket, Set<Integer> callerUids, int socketGid) {
        throw new UnsupportedOperationException("transport helper fills this in");
    }

    @Override
    public void close() {
    }
}
