package io.kvmportal.agent.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.grpc.proto.StageChunk;
import io.kvmportal.agent.grpc.proto.StagedImage;
import java.util.concurrent.Executor;

/**
 * One StageImage call on the agent: the first message names the limit and starts {@link HostAgent#stageImage} on a
 * thread of its own, reading a {@link ChunkStream} that the following messages fill as the agent consumes them.
 */
final class StageUpload implements StreamObserver<StageChunk> {
    private final HostAgent agent;
    private final ServerCallStreamObserver<StagedImage> reply;
    private final Executor uploads;
    private final ChunkStream bytes;
    private boolean started;
    private boolean refused;

    StageUpload(HostAgent agent, ServerCallStreamObserver<StagedImage> reply, Executor uploads) {
        this.agent = agent;
        this.reply = reply;
        this.uploads = uploads;
        this.bytes = new ChunkStream(() -> reply.request(1));
        reply.disableAutoRequest();
        reply.setOnCancelHandler(() -> bytes.abort("the portal broke off the upload"));
        reply.request(1);
    }

    @Override
    public void onNext(StageChunk chunk) {
        if (chunk.getPartCase() == StageChunk.PartCase.MAX_BYTES && !started) {
            started = true;
            long maxBytes = chunk.getMaxBytes();
            uploads.execute(() -> stage(maxBytes));
            reply.request(1);
        } else if (chunk.getPartCase() == StageChunk.PartCase.DATA && started) {
            bytes.offer(chunk.getData());
        } else if (chunk.getPartCase() == StageChunk.PartCase.ABORT && started) {
            bytes.abort("the portal broke off the upload: " + chunk.getAbort());
        } else if (started) {
            bytes.abort("an upload names its limit once, in its first message");
        } else {
            refuseUnlimited();
        }
    }

    /** Data (or the end) came before the limit: nothing was started, so the answer is given here, once. */
    private void refuseUnlimited() {
        if (!refused) {
            refused = true;
            reply.onError(Refusals.toStatus(new HostRefusedException(RefusalKind.INVALID,
                    "an upload's first message names its limit")));
        }
    }

    private void stage(long maxBytes) {
        io.kvmportal.agent.StagedImage staged;
        try {
            staged = agent.stageImage(bytes, maxBytes);
        } catch (RuntimeException e) {
            if (!reply.isCancelled()) {
                reply.onError(AgentService.failure(e));
            }
            return;
        }
        reply.onNext(ProtoValues.toProto(staged));
        reply.onCompleted();
    }

    @Override
    public void onError(Throwable cause) {
        bytes.abort("the portal broke off the upload: " + cause.getMessage());
    }

    @Override
    public void onCompleted() {
        if (started) {
            bytes.end();
        } else {
            refuseUnlimited();
        }
    }
}
