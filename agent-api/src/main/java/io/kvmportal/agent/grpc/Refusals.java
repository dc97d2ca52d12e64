package io.kvmportal.agent.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.grpc.proto.Refusal;
import java.nio.file.Path;

/**
 * A refusal on the wire: a gRPC status chosen by its kind, with the kind, the image reason and the words in the
 * binary trailer {@value #TRAILER}. The status code is for gRPC's own tools; the trailer is what the other end
 * reads, so no two kinds need distinct codes. No refusal uses UNAVAILABLE or DEADLINE_EXCEEDED: those mean the
 * agent was not reached.
 */
final class Refusals {
    static final String TRAILER = "kvmp-refusal-bin";
    static final Metadata.Key<Refusal> KEY = Metadata.Key.of(TRAILER,
            ProtoUtils.metadataMarshaller(Refusal.getDefaultInstance()));

    private Refusals() {
    }

    /** The agent's side: the refusal as the status exception to answer with. */
    static StatusRuntimeException toStatus(HostRefusedException refused) {
        Refusal refusal = Refusal.newBuilder().setKind(ProtoEnums.REFUSAL.toProto(refused.kind()))
                .setImageReason(ProtoEnums.IMAGE_REASON.toProto(refused.imageReason().orElse(null)))
                .setMessage(ProtoValues.text(refused.getMessage())).build();
        Metadata trailers = new Metadata();
        trailers.put(KEY, refusal);
        return code(refused.kind()).withDescription(refused.getMessage()).asRuntimeException(trailers);
    }

    static Status code(RefusalKind kind) {
        return switch (kind) {
            case INVALID, IMAGE_REFUSED -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case NOT_RUNNING, ALREADY_RUNNING, ACCOUNT_REFUSED, ACCELERATOR_UNAVAILABLE, PROTOCOL_MISMATCH ->
                    Status.FAILED_PRECONDITION;
            case START_FAILED, COMMAND_FAILED -> Status.ABORTED;
            case TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
            case CALLER_REFUSED -> Status.PERMISSION_DENIED;
            case FAILED -> Status.INTERNAL;
        };
    }

    /**
     * The portal's side: a failed call as the exception HostAgent promises. A refusal trailer is the agent's
     * refusal; without one, a status that says the agent was not reached is {@link HostUnreachableException} and
     * any other (gRPC's own, e.g. a message over the size limit) is a refusal of kind FAILED in gRPC's words.
     */
    static RuntimeException fromStatus(StatusRuntimeException failure, Path socket) {
        Metadata trailers = failure.getTrailers();
        Refusal refusal = trailers == null ? null : trailers.get(KEY);
        if (refusal != null) {
            RefusalKind kind = ProtoEnums.REFUSAL.fromProto(refusal.getKind());
            return new HostRefusedException(kind == null ? RefusalKind.FAILED : kind,
                    ProtoEnums.IMAGE_REASON.fromProto(refusal.getImageReason()), refusal.getMessage());
        }
        Status status = failure.getStatus();
        if (unreached(status.getCode())) {
            return new HostUnreachableException("host agent unreachable: " + describe(status) + " (socket "
                    + socket + ")", failure);
        }
        return new HostRefusedException(RefusalKind.FAILED, "the host agent's call failed: " + describe(status));
    }

    static boolean unreached(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.CANCELLED;
    }

    private static String describe(Status status) {
        String words = status.getDescription();
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "no answer within the call's deadline" + (words == null ? "" : " (" + words + ")");
        }
        String cause = status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")";
        return status.getCode() + (words == null ? "" : ": " + words) + cause;
    }
}
