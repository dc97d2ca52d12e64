package io.kvmportal.agent;

/** An upload in the agent's staging area, named by an id the agent chose. */
public record StagedImage(String stagingId, long bytes) {
}
