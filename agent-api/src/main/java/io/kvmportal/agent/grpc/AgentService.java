package io.kvmportal.agent.grpc;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.grpc.proto.AccountRemovalReply;
import io.kvmportal.agent.grpc.proto.AdmitImageRequest;
import io.kvmportal.agent.grpc.proto.AgentIdentity;
import io.kvmportal.agent.grpc.proto.CreateDiskRequest;
import io.kvmportal.agent.grpc.proto.Empty;
import io.kvmportal.agent.grpc.proto.GuestDefinition;
import io.kvmportal.agent.grpc.proto.GuestExit;
import io.kvmportal.agent.grpc.proto.GuestId;
import io.kvmportal.agent.grpc.proto.GuestIds;
import io.kvmportal.agent.grpc.proto.HandScreenRequest;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc;
import io.kvmportal.agent.grpc.proto.HostEvent;
import io.kvmportal.agent.grpc.proto.HostFacts;
import io.kvmportal.agent.grpc.proto.ImageFile;
import io.kvmportal.agent.grpc.proto.ImageId;
import io.kvmportal.agent.grpc.proto.Login;
import io.kvmportal.agent.grpc.proto.OwnedGuest;
import io.kvmportal.agent.grpc.proto.Png;
import io.kvmportal.agent.grpc.proto.ProcessesReply;
import io.kvmportal.agent.grpc.proto.ReattachReply;
import io.kvmportal.agent.grpc.proto.SerialLogReply;
import io.kvmportal.agent.grpc.proto.SerialLogRequest;
import io.kvmportal.agent.grpc.proto.ShutdownRequest;
import io.kvmportal.agent.grpc.proto.StageChunk;
import io.kvmportal.agent.grpc.proto.StagedImage;
import io.kvmportal.agent.grpc.proto.StagingId;
import io.kvmportal.agent.grpc.proto.StartReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC service over a {@link HostAgent}: each call converts its request, asks the agent and converts back. */
final class AgentService extends HostAgentServiceGrpc.HostAgentServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final HostAgent agent;
    private final Executor uploads;

    AgentService(HostAgent agent, Executor uploads) {
        this.agent = agent;
        this.uploads = uploads;
    }

    /** What an exception of the agent becomes on the wire; an unexpected one is logged here with its stack. */
    static StatusRuntimeException failure(RuntimeException thrown) {
        if (thrown instanceof HostRefusedException refused) {
            return Refusals.toStatus(refused);
        }
        if (thrown instanceof IllegalArgumentException invalid) {
            return Refusals.toStatus(new HostRefusedException(RefusalKind.INVALID, words(invalid)));
        }
        LOG.error("the host agent failed a call", thrown);
        return Refusals.toStatus(new HostRefusedException(RefusalKind.FAILED, words(thrown)));
    }

    private static String words(RuntimeException thrown) {
        return thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
    }

    private static <T> void answer(StreamObserver<T> reply, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            reply.onError(failure(e));
            return;
        }
        reply.onNext(value);
        reply.onCompleted();
    }

    private static void answer(StreamObserver<Empty> reply, Runnable call) {
        answer(reply, () -> {
            call.run();
            return EMPTY;
        });
    }

    @Override
    public void identify(Empty request, StreamObserver<AgentIdentity> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.identify()));
    }

    @Override
    public void facts(Empty request, StreamObserver<HostFacts> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.facts()));
    }

    @Override
    public void removeAccount(Login request, StreamObserver<AccountRemovalReply> reply) {
        answer(reply, () -> AccountRemovalReply.newBuilder()
                .setRemoval(ProtoEnums.REMOVAL.toProto(agent.removeAccount(request.getLogin()))).build());
    }

    @Override
    public StreamObserver<StageChunk> stageImage(StreamObserver<StagedImage> reply) {
        return new StageUpload(agent, (ServerCallStreamObserver<StagedImage>) reply, uploads);
    }

    @Override
    public void admitImage(AdmitImageRequest request, StreamObserver<ImageFile> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.admitImage(request.getStagingId(),
                ProtoEnums.FORMAT.fromProto(request.getFormat()), request.getMaxVirtualBytes())));
    }

    @Override
    public void discardStaged(StagingId request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.discardStaged(request.getStagingId()));
    }

    @Override
    public void publishDemoImage(Empty request, StreamObserver<ImageFile> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.publishDemoImage()));
    }

    @Override
    public void removeImage(ImageId request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.removeImage(request.getImageId()));
    }

    @Override
    public void createDisk(CreateDiskRequest request, StreamObserver<Empty> reply) {
        String base = request.getBaseImageId();
        answer(reply, () -> agent.createDisk(ProtoValues.uuid(request.getUuid()), request.getLogin(),
                base.isEmpty() ? Optional.empty() : Optional.of(base), request.getSizeBytes()));
    }

    @Override
    public void start(GuestDefinition request, StreamObserver<StartReply> reply) {
        answer(reply, () -> StartReply.newBuilder().setPid(agent.start(ProtoValues.fromProto(request))).build());
    }

    @Override
    public void reattach(GuestDefinition request, StreamObserver<ReattachReply> reply) {
        answer(reply, () -> ReattachReply.newBuilder().setRunning(agent.reattach(ProtoValues.fromProto(request)))
                .build());
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.shutdown(ProtoValues.uuid(request.getUuid()),
                Duration.ofMillis(request.getGraceMillis())));
    }

    @Override
    public void forceOff(GuestId request, StreamObserver<GuestExit> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.forceOff(ProtoValues.uuid(request.getUuid()))));
    }

    @Override
    public void pause(GuestId request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.pause(ProtoValues.uuid(request.getUuid())));
    }

    @Override
    public void resume(GuestId request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.resume(ProtoValues.uuid(request.getUuid())));
    }

    @Override
    public void reboot(GuestId request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.reboot(ProtoValues.uuid(request.getUuid())));
    }

    @Override
    public void screenshot(GuestId request, StreamObserver<Png> reply) {
        answer(reply, () -> Png.newBuilder()
                .setPng(ByteString.copyFrom(agent.screenshot(ProtoValues.uuid(request.getUuid())))).build());
    }

    @Override
    public void serialLog(SerialLogRequest request, StreamObserver<SerialLogReply> reply) {
        answer(reply, () -> ProtoValues.toProto(agent.serialLog(ProtoValues.uuid(request.getUuid()),
                request.getLogin(), request.getFrom(), request.getMaxBytes())));
    }

    @Override
    public void processes(GuestIds request, StreamObserver<ProcessesReply> reply) {
        answer(reply, () -> {
            List<UUID> guests = new ArrayList<>();
            request.getUuidsList().forEach(uuid -> guests.add(ProtoValues.uuid(uuid)));
            ProcessesReply.Builder processes = ProcessesReply.newBuilder();
            agent.processes(guests).forEach((guest, process) ->
                    processes.addProcesses(ProtoValues.toProto(guest, process)));
            return processes.build();
        });
    }

    @Override
    public void deleteGuest(OwnedGuest request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.deleteGuest(ProtoValues.uuid(request.getUuid()), request.getLogin()));
    }

    @Override
    public void handScreen(HandScreenRequest request, StreamObserver<Empty> reply) {
        answer(reply, () -> agent.handScreen(ProtoValues.uuid(request.getUuid()), request.getLogin(),
                request.getTicket().toByteArray()));
    }

    @Override
    public void events(Empty request, StreamObserver<HostEvent> reply) {
        EventFeed.open(agent, (ServerCallStreamObserver<HostEvent>) reply);
    }
}
