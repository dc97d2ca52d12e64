package io.kvmportal.agent;

/** Receives a host's events; {@link #connectionChanged} tells when the agent was lost and when it came back. */
public interface HostEventListener {

    void event(HostEvent event);

    /**
     * The stream of events was lost ({@code connected} false) or is back (true). Events may have been missed
     * in between: on true, bring the guests' states up to date from the agent.
     */
    default void connectionChanged(boolean connected) {
    }
}
