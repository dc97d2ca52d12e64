package io.kvmportal.agent.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.RefusalKind;
import java.util.Set;

/**
 * The agent's door: a call is served only if its process's uid is one of the portal's ({@code SO_PEERCRED}, read
 * by {@link PeerUidNegotiator}) and it speaks this protocol version; any other is answered with a refusal in words.
 */
final class CallerCheck implements ServerInterceptor {
    static final Metadata.Key<String> PROTOCOL = Metadata.Key.of("kvmp-protocol", Metadata.ASCII_STRING_MARSHALLER);

    private final Set<Integer> callerUids;

    CallerCheck(Set<Integer> callerUids) {
        this.callerUids = Set.copyOf(callerUids);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        HostRefusedException refusal = refusal(call.getAttributes().get(PeerUidNegotiator.PEER_UID),
                headers.get(PROTOCOL));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        StatusRuntimeException status = Refusals.toStatus(refusal);
        call.close(status.getStatus(), status.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    private HostRefusedException refusal(Integer uid, String protocol) {
        if (uid == null || !callerUids.contains(uid)) {
            return new HostRefusedException(RefusalKind.CALLER_REFUSED, "The host agent refuses a caller running as "
                    + (uid == null ? "an unknown uid" : "uid " + uid) + ": only the portal's account (uid "
                    + (callerUids.size() == 1 ? callerUids.iterator().next() : callerUids) + ") may call it.");
        }
        if (protocol == null) {
            return new HostRefusedException(RefusalKind.PROTOCOL_MISMATCH, "The caller sent no protocol version"
                    + " and the host agent speaks version " + Protocol.VERSION
                    + "; run the same kvm-portal release on both.");
        }
        int version;
        try {
            version = Integer.parseInt(protocol.trim());
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version != Protocol.VERSION) {
            return new HostRefusedException(RefusalKind.PROTOCOL_MISMATCH, version < 0
                    ? "The caller's protocol version '" + protocol + "' is not a number; the host agent speaks"
                      + " version " + Protocol.VERSION + "."
                    : Protocol.mismatch(version, Protocol.VERSION));
        }
        return null;
    }
}
