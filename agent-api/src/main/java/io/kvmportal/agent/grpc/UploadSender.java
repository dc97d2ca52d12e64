package io.kvmportal.agent.grpc;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc;
import io.kvmportal.agent.grpc.proto.StageChunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The portal's side of StageImage: the limit, then the bytes in chunks of {@value #CHUNK_BYTES}, each sent only
 * when gRPC's flow control says the agent takes more, so an upload of any size holds about one chunk here. Stops
 * sending as soon as the agent has answered (a refusal mid-way, e.g. over the limit).
 */
final class UploadSender implements ClientResponseObserver<StageChunk, io.kvmportal.agent.grpc.proto.StagedImage> {
    static final int CHUNK_BYTES = 64 * 1024;
    private static final long READY_POLL_MILLIS = 100;
    private static final Duration ABORT_WAIT = Duration.ofSeconds(5);

    private final CompletableFuture<StagedImage> answer = new CompletableFuture<>();
    private final Object readiness = new Object();

    private UploadSender() {
    }

    static StagedImage send(AgentChannel channel, Duration deadline, InputStream bytes, long maxBytes) {
        UploadSender sender = new UploadSender();
        ClientCallStreamObserver<StageChunk> requests = (ClientCallStreamObserver<StageChunk>) HostAgentServiceGrpc
                .newStub(channel.forCall()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .stageImage(sender);
        try {
            requests.onNext(StageChunk.newBuilder().setMaxBytes(maxBytes).build());
            sender.stream(requests, bytes);
            return sender.answer.get();
        } catch (IOException e) {
            sender.abort(requests, e);
            throw new UncheckedIOException("reading the upload failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            requests.cancel("interrupted", e);
            Thread.currentThread().interrupt();
            throw new HostUnreachableException("interrupted while uploading to the host agent", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException failure) {
                throw Refusals.fromStatus(failure, channel.socket());
            }
            throw new IllegalStateException("the upload failed", e.getCause());
        }
    }

    /**
     * Tells the agent the upload broke off and waits (briefly) for its refusal, which it gives after removing what it
     * staged: so when the caller hears of the failure, nothing of the upload is left on the host. A cancel would
     * return at once, with the agent's clean-up still under way.
     */
    private void abort(ClientCallStreamObserver<StageChunk> requests, IOException why) {
        if (answer.isDone()) {
            return;
        }
        try {
            requests.onNext(StageChunk.newBuilder().setAbort(String.valueOf(why.getMessage())).build());
            requests.onCompleted();
            answer.get(ABORT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException refusedAsAsked) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
            // No answer in time, or the call had already ended: fall back to cancelling it.
        }
        requests.cancel("reading the upload failed", why);
    }

    private void stream(ClientCallStreamObserver<StageChunk> requests, InputStream bytes)
            throws IOException, InterruptedException {
        byte[] buffer = new byte[CHUNK_BYTES];
        while (!answer.isDone()) {
            int count = bytes.readNBytes(buffer, 0, buffer.length);
            if (count == 0) {
                requests.onCompleted();
                return;
            }
            awaitReady(requests);
            if (answer.isDone()) {
                return;
            }
            requests.onNext(StageChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, count)).build());
        }
    }

    /** Until the transport takes more or the call has ended (the deadline ends it too). */
    private void awaitReady(ClientCallStreamObserver<StageChunk> requests) throws InterruptedException {
        synchronized (readiness) {
            while (!requests.isReady() && !answer.isDone()) {
                readiness.wait(READY_POLL_MILLIS);
            }
        }
    }

    private void wake() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StageChunk> requests) {
        requests.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(io.kvmportal.agent.grpc.proto.StagedImage staged) {
        answer.complete(ProtoValues.fromProto(staged));
    }

    @Override
    public void onError(Throwable failure) {
        answer.completeExceptionally(failure);
        wake();
    }

    @Override
    public void onCompleted() {
        answer.completeExceptionally(new IllegalStateException("the host agent ended the upload without an answer"));
        wake();
    }
}
