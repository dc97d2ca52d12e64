package io.kvmportal.agent.grpc;

import io.kvmportal.agent.HostAgent;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The portal's end of the protocol: {@link HostAgent} over gRPC to an agent's unix socket. Every call has a
 * deadline; a refusal arrives as a {@link io.kvmportal.agent.HostRefusedException}, an agent that cannot be reached
 * as a {@link io.kvmportal.agent.HostUnreachableException}.
 */
public abstract class GrpcHostAgent implements HostAgent {

    /** An agent at {@code socket}; connects when first needed and again after the agent comes back. */
    public static GrpcHostAgent overUnixSocket(Path socket, Duration deadline) {
        throw new UnsupportedOperationException("transport helper fills this in");
    }
}
