package io.kvmportal.agent.grpc;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.agent.grpc.proto.AdmitImageRequest;
import io.kvmportal.agent.grpc.proto.CreateDiskRequest;
import io.kvmportal.agent.grpc.proto.Empty;
import io.kvmportal.agent.grpc.proto.GuestId;
import io.kvmportal.agent.grpc.proto.GuestIds;
import io.kvmportal.agent.grpc.proto.HandScreenRequest;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc.HostAgentServiceBlockingStub;
import io.kvmportal.agent.grpc.proto.ImageId;
import io.kvmportal.agent.grpc.proto.Login;
import io.kvmportal.agent.grpc.proto.OwnedGuest;
import io.kvmportal.agent.grpc.proto.SerialLogRequest;
import io.kvmportal.agent.grpc.proto.ShutdownRequest;
import io.kvmportal.agent.grpc.proto.StagingId;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The portal's end of the protocol: {@link HostAgent} over gRPC to an agent's unix socket. Every call has a
 * deadline; a refusal arrives as a {@link io.kvmportal.agent.HostRefusedException}, an agent that cannot be reached
 * as a {@link io.kvmportal.agent.HostUnreachableException}.
 */
public final class GrpcHostAgent implements HostAgent {
    /** qemu-img check of an upload and the demo image's build take minutes on a slow host. */
    static final Duration IMAGE_DEADLINE = Duration.ofMinutes(10);
    /** QEMU's start is given 30 s by the agent; the call waits for that and the account and disk before it. */
    static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final AgentChannel channel;
    private final Duration deadline;
    private final ScheduledExecutorService retries;
    private final Set<EventWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean identified;

    private GrpcHostAgent(AgentChannel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
        this.retries = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("kvmp-agent-watch", true));
    }

    /** An agent at {@code socket}; connects when first needed and again after the agent comes back. */
    public static GrpcHostAgent overUnixSocket(Path socket, Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the host agent's deadline must be positive: " + deadline);
        }
        return new GrpcHostAgent(new AgentChannel(socket), deadline);
    }

    private Duration atLeast(Duration longer) {
        return deadline.compareTo(longer) > 0 ? deadline : longer;
    }

    /** A call of the agent after the first use's protocol check. */
    private <T> T call(Duration within, Function<HostAgentServiceBlockingStub, T> call) {
        checkProtocol();
        return unchecked(within, call);
    }

    private <T> T unchecked(Duration within, Function<HostAgentServiceBlockingStub, T> call) {
        HostAgentServiceBlockingStub stub = HostAgentServiceGrpc.newBlockingStub(channel.forCall())
                .withDeadlineAfter(within.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.apply(stub);
        } catch (StatusRuntimeException e) {
            throw Refusals.fromStatus(e, channel.socket());
        }
    }

    private void checkProtocol() {
        if (!identified) {
            int agent = identify().protocol();
            if (agent != Protocol.VERSION) {
                throw new HostRefusedException(RefusalKind.PROTOCOL_MISMATCH, Protocol.mismatch(Protocol.VERSION,
                        agent));
            }
            identified = true;
        }
    }

    @Override
    public AgentIdentity identify() {
        return unchecked(deadline, stub -> ProtoValues.fromProto(stub.identify(EMPTY)));
    }

    @Override
    public HostFacts facts() {
        return call(deadline, stub -> ProtoValues.fromProto(stub.facts(EMPTY)));
    }

    @Override
    public AccountRemoval removeAccount(String login) {
        return call(deadline, stub -> ProtoEnums.REMOVAL.fromProto(
                stub.removeAccount(Login.newBuilder().setLogin(ProtoValues.text(login)).build()).getRemoval()));
    }

    @Override
    public StagedImage stageImage(InputStream bytes, long maxBytes) {
        checkProtocol();
        return UploadSender.send(channel, atLeast(IMAGE_DEADLINE), bytes, maxBytes);
    }

    @Override
    public ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes) {
        AdmitImageRequest request = AdmitImageRequest.newBuilder().setStagingId(ProtoValues.text(stagingId))
                .setFormat(ProtoEnums.FORMAT.toProto(format)).setMaxVirtualBytes(maxVirtualBytes).build();
        return call(atLeast(IMAGE_DEADLINE), stub -> ProtoValues.fromProto(stub.admitImage(request)));
    }

    @Override
    public void discardStaged(String stagingId) {
        call(deadline, stub -> stub.discardStaged(StagingId.newBuilder().setStagingId(ProtoValues.text(stagingId))
                .build()));
    }

    @Override
    public ImageFile publishDemoImage() {
        return call(atLeast(IMAGE_DEADLINE), stub -> ProtoValues.fromProto(stub.publishDemoImage(EMPTY)));
    }

    @Override
    public void removeImage(String imageId) {
        call(deadline, stub -> stub.removeImage(ImageId.newBuilder().setImageId(ProtoValues.text(imageId)).build()));
    }

    @Override
    public void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes) {
        CreateDiskRequest request = CreateDiskRequest.newBuilder().setUuid(ProtoValues.id(guest))
                .setLogin(ProtoValues.text(login)).setBaseImageId(baseImageId.orElse("")).setSizeBytes(sizeBytes)
                .build();
        call(deadline, stub -> stub.createDisk(request));
    }

    @Override
    public long start(GuestDefinition guest) {
        return call(atLeast(START_DEADLINE), stub -> stub.start(ProtoValues.toProto(guest)).getPid());
    }

    @Override
    public boolean reattach(GuestDefinition guest) {
        return call(deadline, stub -> stub.reattach(ProtoValues.toProto(guest)).getRunning());
    }

    @Override
    public void shutdown(UUID guest, Duration grace) {
        ShutdownRequest request = ShutdownRequest.newBuilder().setUuid(ProtoValues.id(guest))
                .setGraceMillis(grace.toMillis()).build();
        call(deadline, stub -> stub.shutdown(request));
    }

    @Override
    public GuestExit forceOff(UUID guest) {
        return call(deadline, stub -> ProtoValues.fromProto(stub.forceOff(guestId(guest))));
    }

    @Override
    public void pause(UUID guest) {
        call(deadline, stub -> stub.pause(guestId(guest)));
    }

    @Override
    public void resume(UUID guest) {
        call(deadline, stub -> stub.resume(guestId(guest)));
    }

    @Override
    public void reboot(UUID guest) {
        call(deadline, stub -> stub.reboot(guestId(guest)));
    }

    @Override
    public byte[] screenshot(UUID guest) {
        return call(deadline, stub -> stub.screenshot(guestId(guest)).getPng().toByteArray());
    }

    @Override
    public Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes) {
        SerialLogRequest request = SerialLogRequest.newBuilder().setUuid(ProtoValues.id(guest))
                .setLogin(ProtoValues.text(login)).setFrom(from).setMaxBytes(maxBytes).build();
        return call(deadline, stub -> ProtoValues.fromProto(stub.serialLog(request)));
    }

    @Override
    public Map<UUID, GuestProcess> processes(Collection<UUID> guests) {
        GuestIds.Builder request = GuestIds.newBuilder();
        guests.forEach(guest -> request.addUuids(ProtoValues.id(guest)));
        return call(deadline, stub -> {
            Map<UUID, GuestProcess> processes = new LinkedHashMap<>();
            stub.processes(request.build()).getProcessesList().forEach(process ->
                    processes.put(ProtoValues.uuid(process.getUuid()), ProtoValues.fromProto(process)));
            return processes;
        });
    }

    @Override
    public void deleteGuest(UUID guest, String login) {
        call(deadline, stub -> stub.deleteGuest(OwnedGuest.newBuilder().setUuid(ProtoValues.id(guest))
                .setLogin(ProtoValues.text(login)).build()));
    }

    @Override
    public void handScreen(UUID guest, String login, byte[] ticket) {
        HandScreenRequest request = HandScreenRequest.newBuilder().setUuid(ProtoValues.id(guest))
                .setLogin(ProtoValues.text(login)).setTicket(ByteString.copyFrom(ticket)).build();
        call(deadline, stub -> stub.handScreen(request));
    }

    /**
     * Opens the event stream and keeps it open: when it breaks, the listener hears {@code connectionChanged(false)},
     * and {@code connectionChanged(true)} once it stands again; closing the handle ends it.
     */
    @Override
    public AutoCloseable watch(HostEventListener listener) {
        EventWatch watch = new EventWatch(channel, listener, retries);
        watches.add(watch);
        watch.open();
        return watch;
    }

    private static GuestId guestId(UUID guest) {
        return GuestId.newBuilder().setUuid(ProtoValues.id(guest)).build();
    }

    /** Ends the watches' retries and the connection; calls still under way fail as unreachable. */
    @Override
    public void close() {
        watches.forEach(EventWatch::close);
        retries.shutdownNow();
        channel.close();
    }
}
