package io.kvmportal.agentlink;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/**
 * What the host agent's failures mean to the portal's callers. An unreachable agent is a 503 with words and
 * nothing else: the caller's guest keeps its state. A refusal keeps the status the same situation had before the
 * agent was a process of its own: the host's failures 502, a wrong value 400, a wrong state 409.
 */
public final class AgentFaults {
    static final String UNREACHABLE = "The host agent is unreachable: ";

    private AgentFaults() {
    }

    /** The refusal for an agent that could not be reached; the caller may try again once it is back. */
    public static PortalException unreachable(HostUnreachableException e) {
        return new AgentUnavailableException(UNREACHABLE + e.getMessage());
    }

    public static boolean isUnreachable(Throwable e) {
        return e instanceof HostUnreachableException;
    }

    public static Fault fault(HostRefusedException refused) {
        return switch (refused.kind()) {
            case INVALID, IMAGE_REFUSED -> Fault.INVALID_INPUT;
            case NOT_FOUND -> Fault.NOT_FOUND;
            case NOT_RUNNING, ALREADY_RUNNING -> Fault.CONFLICT;
            case TOO_LARGE -> Fault.PAYLOAD_TOO_LARGE;
            case PROTOCOL_MISMATCH, CALLER_REFUSED -> Fault.UNAVAILABLE;
            case START_FAILED, COMMAND_FAILED, ACCOUNT_REFUSED, ACCELERATOR_UNAVAILABLE, FAILED -> Fault.HOST_FAILED;
        };
    }

    /** An agent that is not there, or that will not serve this portal (another protocol, another uid). */
    static final class AgentUnavailableException extends PortalException {
        AgentUnavailableException(String message) {
            super(Fault.UNAVAILABLE, message);
        }
    }
}
