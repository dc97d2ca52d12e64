package io.kvmportal.agentlink;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code portal.host.*}: where this portal reaches its host agent, and how long it waits for an answer. How the host
 * runs guests (accelerator, start timeout, cgroup parent) is the agent's own configuration, on its command line.
 */
@ConfigurationProperties("portal.host")
public class HostConfiguration {
    private String agentSocket = "/run/kvm-portal/agent.sock";
    private Duration agentDeadline = Duration.ofSeconds(10);

    /** The agent's unix socket (root:kvm-portal 0660). */
    public String getAgentSocket() {
        return agentSocket;
    }

    public void setAgentSocket(String agentSocket) {
        this.agentSocket = agentSocket;
    }

    /** How long one call to the agent may take before the agent counts as unreachable. */
    public Duration getAgentDeadline() {
        return agentDeadline;
    }

    public void setAgentDeadline(Duration agentDeadline) {
        this.agentDeadline = agentDeadline;
    }
}
