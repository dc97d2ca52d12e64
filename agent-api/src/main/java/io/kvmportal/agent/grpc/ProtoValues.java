package io.kvmportal.agent.grpc;

import com.google.protobuf.ByteString;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The records of io.kvmportal.agent to their proto messages and back. Proto strings cannot be null: a null string
 * travels as "" (and comes back as "", except a guest's boot image id, null for a disk boot); a null UUID travels
 * as "" and is refused as INVALID where it is read, as any malformed id is.
 */
final class ProtoValues {

    private ProtoValues() {
    }

    static String text(String value) {
        return value == null ? "" : value;
    }

    static String id(UUID uuid) {
        return uuid == null ? "" : uuid.toString();
    }

    /** A guest id from the wire; a malformed one is refused as an IllegalArgumentException (INVALID). */
    static UUID uuid(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a guest id is required");
        }
        return UUID.fromString(text);
    }

    static io.kvmportal.agent.grpc.proto.AgentIdentity toProto(AgentIdentity identity) {
        return io.kvmportal.agent.grpc.proto.AgentIdentity.newBuilder().setProtocol(identity.protocol())
                .setVersion(text(identity.version())).setPid(identity.pid()).build();
    }

    static AgentIdentity fromProto(io.kvmportal.agent.grpc.proto.AgentIdentity identity) {
        return new AgentIdentity(identity.getProtocol(), identity.getVersion(), identity.getPid());
    }

    static io.kvmportal.agent.grpc.proto.HostFacts toProto(HostFacts facts) {
        return io.kvmportal.agent.grpc.proto.HostFacts.newBuilder()
                .setKvmAvailability(ProtoEnums.KVM.toProto(facts.kvmAvailability())).setKvmText(text(facts.kvmText()))
                .setKvmApiVersion(facts.kvmApiVersion()).setKvmRecommendedVcpus(facts.kvmRecommendedVcpus())
                .setKvmMaxVcpus(facts.kvmMaxVcpus()).setKvmPvm(facts.kvmPvm())
                .setAccelerator(ProtoEnums.ACCELERATOR.toProto(facts.accelerator()))
                .setAcceleratorReason(text(facts.acceleratorReason())).setQemuVersion(text(facts.qemuVersion()))
                .setCores(facts.cores()).setMemoryMib(facts.memoryMib()).setAgentRssBytes(facts.agentRssBytes())
                .build();
    }

    static HostFacts fromProto(io.kvmportal.agent.grpc.proto.HostFacts facts) {
        return new HostFacts(ProtoEnums.KVM.fromProto(facts.getKvmAvailability()), facts.getKvmText(),
                facts.getKvmApiVersion(), facts.getKvmRecommendedVcpus(), facts.getKvmMaxVcpus(), facts.getKvmPvm(),
                ProtoEnums.ACCELERATOR.fromProto(facts.getAccelerator()), facts.getAcceleratorReason(),
                facts.getQemuVersion(), facts.getCores(), facts.getMemoryMib(), facts.getAgentRssBytes());
    }

    static io.kvmportal.agent.grpc.proto.StagedImage toProto(StagedImage staged) {
        return io.kvmportal.agent.grpc.proto.StagedImage.newBuilder().setStagingId(text(staged.stagingId()))
                .setBytes(staged.bytes()).build();
    }

    static StagedImage fromProto(io.kvmportal.agent.grpc.proto.StagedImage staged) {
        return new StagedImage(staged.getStagingId(), staged.getBytes());
    }

    static io.kvmportal.agent.grpc.proto.ImageFile toProto(ImageFile image) {
        return io.kvmportal.agent.grpc.proto.ImageFile.newBuilder().setImageId(text(image.imageId()))
                .setFormat(ProtoEnums.FORMAT.toProto(image.format())).setVirtualBytes(image.virtualBytes())
                .setFileBytes(image.fileBytes()).setBootsFromKernel(image.bootsFromKernel()).build();
    }

    static ImageFile fromProto(io.kvmportal.agent.grpc.proto.ImageFile image) {
        return new ImageFile(image.getImageId(), ProtoEnums.FORMAT.fromProto(image.getFormat()),
                image.getVirtualBytes(), image.getFileBytes(), image.getBootsFromKernel());
    }

    static io.kvmportal.agent.grpc.proto.GuestDefinition toProto(GuestDefinition guest) {
        return io.kvmportal.agent.grpc.proto.GuestDefinition.newBuilder().setUuid(id(guest.uuid()))
                .setName(text(guest.name())).setLogin(text(guest.login())).setVcpus(guest.vcpus())
                .setMemoryMib(guest.memoryMib()).setBoot(ProtoEnums.BOOT.toProto(guest.boot()))
                .setBootImageId(text(guest.bootImageId())).setNic(ProtoEnums.NIC.toProto(guest.nic())).build();
    }

    static GuestDefinition fromProto(io.kvmportal.agent.grpc.proto.GuestDefinition guest) {
        String bootImage = guest.getBootImageId();
        return new GuestDefinition(uuid(guest.getUuid()), guest.getName(), guest.getLogin(), guest.getVcpus(),
                guest.getMemoryMib(), ProtoEnums.BOOT.fromProto(guest.getBoot()),
                bootImage.isEmpty() ? null : bootImage, ProtoEnums.NIC.fromProto(guest.getNic()));
    }

    static io.kvmportal.agent.grpc.proto.GuestExit toProto(GuestExit exit) {
        return io.kvmportal.agent.grpc.proto.GuestExit.newBuilder().setPid(exit.pid()).setClean(exit.clean())
                .setReason(text(exit.reason())).build();
    }

    static GuestExit fromProto(io.kvmportal.agent.grpc.proto.GuestExit exit) {
        return new GuestExit(exit.getPid(), exit.getClean(), exit.getReason());
    }

    static io.kvmportal.agent.grpc.proto.GuestProcess toProto(UUID guest, GuestProcess process) {
        return io.kvmportal.agent.grpc.proto.GuestProcess.newBuilder().setUuid(id(guest)).setPid(process.pid())
                .setUid(process.uid()).setAccount(text(process.account())).setState(text(process.state()))
                .setCpuPercent(process.cpuPercent()).setRssBytes(process.rssBytes()).setThreads(process.threads())
                .setUptimeSeconds(process.uptime() == null ? 0 : process.uptime().toSeconds()).build();
    }

    static GuestProcess fromProto(io.kvmportal.agent.grpc.proto.GuestProcess process) {
        return new GuestProcess(process.getPid(), process.getUid(), process.getAccount(), process.getState(),
                process.getCpuPercent(), process.getRssBytes(), process.getThreads(),
                Duration.ofSeconds(process.getUptimeSeconds()));
    }

    static io.kvmportal.agent.grpc.proto.SerialLogReply toProto(Optional<SerialChunk> chunk) {
        if (chunk.isEmpty()) {
            return io.kvmportal.agent.grpc.proto.SerialLogReply.newBuilder().setPresent(false).build();
        }
        SerialChunk present = chunk.get();
        return io.kvmportal.agent.grpc.proto.SerialLogReply.newBuilder().setPresent(true)
                .setOffset(present.offset()).setSize(present.size()).setBytes(ByteString.copyFrom(present.bytes()))
                .build();
    }

    static Optional<SerialChunk> fromProto(io.kvmportal.agent.grpc.proto.SerialLogReply reply) {
        if (!reply.getPresent()) {
            return Optional.empty();
        }
        return Optional.of(new SerialChunk(reply.getOffset(), reply.getSize(), reply.getBytes().toByteArray()));
    }

    static io.kvmportal.agent.grpc.proto.HostEvent toProto(HostEvent event) {
        io.kvmportal.agent.grpc.proto.HostEvent.Builder proto = io.kvmportal.agent.grpc.proto.HostEvent.newBuilder()
                .setUuid(id(event.guest()));
        if (event instanceof HostEvent.GuestEnded ended) {
            return proto.setEnded(toProto(ended.exit())).build();
        }
        HostEvent.RunStateChanged changed = (HostEvent.RunStateChanged) event;
        return proto.setRunState(ProtoEnums.RUN_STATE.toProto(changed.state())).build();
    }

    /** Empty for the stream's opening message, which carries no event. */
    static Optional<HostEvent> fromProto(io.kvmportal.agent.grpc.proto.HostEvent event) {
        return switch (event.getEventCase()) {
            case ENDED -> Optional.of(new HostEvent.GuestEnded(uuid(event.getUuid()), fromProto(event.getEnded())));
            case RUN_STATE -> Optional.of(new HostEvent.RunStateChanged(uuid(event.getUuid()),
                    ProtoEnums.RUN_STATE.fromProto(event.getRunState())));
            case EVENT_NOT_SET -> Optional.empty();
        };
    }
}
