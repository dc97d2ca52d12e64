package io.kvmportal.agentlink;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.grpc.GrpcHostAgent;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** The one host agent of this portal process, reached over its unix socket; it connects when first needed. */
@Factory
class HostFactory {

    @Singleton
    @Bean(preDestroy = "close")
    HostAgent agent(HostConfiguration configuration) {
        return GrpcHostAgent.overUnixSocket(Path.of(configuration.getAgentSocket()),
                configuration.getAgentDeadline());
    }
}
