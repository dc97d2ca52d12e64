package io.kvmportal.agent;

/** Which protocol and build a host agent runs, and its process id. */
public record AgentIdentity(int protocol, String version, long pid) {
}
