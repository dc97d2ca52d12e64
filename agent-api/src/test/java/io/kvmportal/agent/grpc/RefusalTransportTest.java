package io.kvmportal.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.MetadataUtils;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageRefusalReason;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.grpc.proto.Empty;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc;
import io.kvmportal.agent.grpc.proto.Refusal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent refuses, and the callers it refuses, reach the portal as the same refusal. */
class RefusalTransportTest {
    @TempDir
    Path directory;

    @Test
    void everyRefusalKindArrivesWithItsWords() {
        try (Wire wire = new Wire(directory)) {
            for (RefusalKind kind : RefusalKind.values()) {
                wire.agent.failure = new HostRefusedException(kind, "refused as " + kind + ": ü ∞");
                HostRefusedException refused = assertThrows(HostRefusedException.class,
                        () -> wire.client.pause(UUID.randomUUID()));
                assertEquals(kind, refused.kind());
                assertEquals("refused as " + kind + ": ü ∞", refused.getMessage());
                assertEquals(Optional.empty(), refused.imageReason());
            }
        }
    }

    @Test
    void everyImageReasonArrives() {
        try (Wire wire = new Wire(directory)) {
            for (ImageRefusalReason reason : ImageRefusalReason.values()) {
                wire.agent.failure = new HostRefusedException(RefusalKind.IMAGE_REFUSED, reason, "bad: " + reason);
                HostRefusedException refused = assertThrows(HostRefusedException.class,
                        () -> wire.client.admitImage("st", io.kvmportal.agent.ImageFormat.QCOW2, 1));
                assertEquals(RefusalKind.IMAGE_REFUSED, refused.kind());
                assertEquals(Optional.of(reason), refused.imageReason());
                assertEquals("bad: " + reason, refused.getMessage());
            }
        }
    }

    @Test
    void anIllegalArgumentIsInvalidAndAnyOtherFailureIsFailedWithItsWords() {
        try (Wire wire = new Wire(directory)) {
            wire.agent.failure = new IllegalArgumentException("size must be positive: -1");
            HostRefusedException invalid = assertThrows(HostRefusedException.class, wire.client::facts);
            assertEquals(RefusalKind.INVALID, invalid.kind());
            assertEquals("size must be positive: -1", invalid.getMessage());
            wire.agent.failure = new IllegalStateException("disk full");
            HostRefusedException failed = assertThrows(HostRefusedException.class, wire.client::facts);
            assertEquals(RefusalKind.FAILED, failed.kind());
            assertEquals("disk full", failed.getMessage());
        }
    }

    @Test
    void aMalformedGuestIdIsRefusedAsInvalidByTheServer() {
        try (Wire wire = new Wire(directory)) {
            HostRefusedException refused = assertThrows(HostRefusedException.class, () -> wire.client.start(
                    new io.kvmportal.agent.GuestDefinition(null, "x", "alice", 1, 256, null, null, null)));
            assertEquals(RefusalKind.INVALID, refused.kind());
            assertEquals("a guest id is required", refused.getMessage());
        }
    }

    @Test
    void anotherOrNoProtocolVersionIsRefusedWithBothNumbers() {
        try (Wire wire = new Wire(directory)) {
            Refusal other = rawCall(wire.socket, "99");
            assertEquals(io.kvmportal.agent.grpc.proto.RefusalKind.REFUSAL_KIND_PROTOCOL_MISMATCH, other.getKind());
            assertEquals(Protocol.mismatch(99, Protocol.VERSION), other.getMessage());
            assertTrue(other.getMessage().contains("99") && other.getMessage().contains("version " + Protocol.VERSION),
                    other.getMessage());
            Refusal none = rawCall(wire.socket, null);
            assertEquals(io.kvmportal.agent.grpc.proto.RefusalKind.REFUSAL_KIND_PROTOCOL_MISMATCH, none.getKind());
            assertEquals("The caller sent no protocol version and the host agent speaks version "
                    + Protocol.VERSION + "; run the same kvm-portal release on both.", none.getMessage());
        }
    }

    @Test
    void anAgentOfAnotherVersionIsRefusedByThePortalAtFirstUse() {
        try (Wire wire = new Wire(directory)) {
            wire.agent.protocol = Protocol.VERSION + 1;
            HostRefusedException refused = assertThrows(HostRefusedException.class, wire.client::facts);
            assertEquals(RefusalKind.PROTOCOL_MISMATCH, refused.kind());
            assertEquals(Protocol.mismatch(Protocol.VERSION, Protocol.VERSION + 1), refused.getMessage());
            assertTrue(wire.agent.callCount.get() == 0, "facts never reached the agent");
        }
    }

    @Test
    void aCallerOfAnotherUidIsRefusedInWords() {
        Path socket = directory.resolve("agent.sock");
        MemoryAgent agent = new MemoryAgent();
        try (AgentServer server = AgentServer.start(agent, socket, Set.of(65534), Wire.gid());
             GrpcHostAgent client = GrpcHostAgent.overUnixSocket(socket, Duration.ofSeconds(10))) {
            HostRefusedException refused = assertThrows(HostRefusedException.class, client::facts);
            assertEquals(RefusalKind.CALLER_REFUSED, refused.kind());
            assertEquals("The host agent refuses a caller running as uid " + Wire.uid()
                    + ": only the portal's account (uid 65534) may call it.", refused.getMessage());
            assertTrue(agent.callCount.get() == 0);
        }
    }

    /** Facts with a hand-made protocol header (none if null), answering the refusal in its trailer. */
    private static Refusal rawCall(Path socket, String version) {
        EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext()
                .overrideAuthority("localhost").build();
        try {
            Metadata headers = new Metadata();
            if (version != null) {
                headers.put(CallerCheck.PROTOCOL, version);
            }
            HostAgentServiceGrpc.HostAgentServiceBlockingStub stub = HostAgentServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> stub.facts(Empty.getDefaultInstance()));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            return refused.getTrailers().get(Refusals.KEY);
        } finally {
            channel.shutdownNow();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
