package io.kvmportal.agent.grpc;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.MetadataUtils;
import io.kvmportal.agent.Protocol;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The portal's connection to an agent's unix socket: one gRPC channel on one epoll thread, every call marked with
 * the protocol version. It connects when first used and again, by itself, after the agent has gone and come back
 * (a new socket file at the same path is simply connected to).
 */
final class AgentChannel implements AutoCloseable {
    /** Screenshots are the largest answers: a PNG of a large screen is a few MiB. */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final Path socket;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;
    private final Channel marked;

    AgentChannel(Path socket) {
        Epoll.ensureAvailability();
        this.socket = socket;
        loop = new EpollEventLoopGroup(1, new DefaultThreadFactory("kvmp-agent-client", true));
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext()
                // The authority is not checked on a unix socket; the path would not make a valid one.
                .overrideAuthority("localhost").maxInboundMessageSize(MAX_ANSWER_BYTES).build();
        Metadata version = new Metadata();
        version.put(CallerCheck.PROTOCOL, Integer.toString(Protocol.VERSION));
        marked = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(version));
    }

    Path socket() {
        return socket;
    }

    /**
     * The channel for a call. After failed connection attempts gRPC waits longer and longer (up to two minutes)
     * before it tries again and fails calls at once meanwhile; a call made now tries now, so an agent that is
     * back is reached by the next call.
     */
    Channel forCall() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return marked;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
