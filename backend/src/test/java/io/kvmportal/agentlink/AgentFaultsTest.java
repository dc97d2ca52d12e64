package io.kvmportal.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each of the agent's refusals keeps the status its situation had before the split; a lost agent is a 503. */
class AgentFaultsTest {

    @Test
    void everyRefusalKindHasTheStatusOfItsSituation() {
        Map<RefusalKind, Fault> expected = new EnumMap<>(RefusalKind.class);
        expected.put(RefusalKind.INVALID, Fault.INVALID_INPUT);
        expected.put(RefusalKind.NOT_FOUND, Fault.NOT_FOUND);
        expected.put(RefusalKind.NOT_RUNNING, Fault.CONFLICT);
        expected.put(RefusalKind.ALREADY_RUNNING, Fault.CONFLICT);
        expected.put(RefusalKind.START_FAILED, Fault.HOST_FAILED);
        expected.put(RefusalKind.COMMAND_FAILED, Fault.HOST_FAILED);
        expected.put(RefusalKind.IMAGE_REFUSED, Fault.INVALID_INPUT);
        expected.put(RefusalKind.ACCOUNT_REFUSED, Fault.HOST_FAILED);
        expected.put(RefusalKind.ACCELERATOR_UNAVAILABLE, Fault.HOST_FAILED);
        expected.put(RefusalKind.TOO_LARGE, Fault.PAYLOAD_TOO_LARGE);
        expected.put(RefusalKind.PROTOCOL_MISMATCH, Fault.UNAVAILABLE);
        expected.put(RefusalKind.CALLER_REFUSED, Fault.UNAVAILABLE);
        expected.put(RefusalKind.FAILED, Fault.HOST_FAILED);
        assertEquals(RefusalKind.values().length, expected.size(), "a new kind needs its row here");
        for (RefusalKind kind : RefusalKind.values()) {
            assertEquals(expected.get(kind), AgentFaults.fault(new HostRefusedException(kind, "no")), kind.name());
        }
    }

    @Test
    void anUnreachableAgentIsA503WithItsWords() {
        PortalException refusal = AgentFaults.unreachable(new HostUnreachableException(
                "UNAVAILABLE: connection refused", null));
        assertEquals(503, refusal.fault().httpStatus());
        assertEquals("The host agent is unreachable: UNAVAILABLE: connection refused", refusal.getMessage());
    }
}
