package io.kvmportal.agent.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.kvmportal.agent.HostAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The agent's end of the protocol: serves a {@link HostAgent} on a unix socket, to callers whose uid
 * ({@code SO_PEERCRED}) is one of {@code callerUids} and whose protocol version is {@link io.kvmportal.agent.Protocol#VERSION}.
 */
public final class AgentServer implements AutoCloseable {
    /** Requests are small (the largest is a 64 KiB upload chunk); anything far bigger is not the portal's. */
    static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final int WORKER_THREADS = 2;

    private final Server server;
    private final Path socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService calls;

    private AgentServer(Server server, Path socket, EventLoopGroup boss, EventLoopGroup workers,
                        ExecutorService calls) {
        this.server = server;
        this.socket = socket;
        this.boss = boss;
        this.workers = workers;
        this.calls = calls;
    }

    /**
     * Binds {@code socket} (replacing a stale one; refused while another agent serves there), gives it to group {@code socketGid} with mode 0660, and serves.
     */
    public static AgentServer start(HostAgent agent, Path socket, Set<Integer> callerUids, int socketGid) {
        Epoll.ensureAvailability();
        SocketFile.claim(socket);
        EventLoopGroup boss = new EpollEventLoopGroup(1, new DefaultThreadFactory("kvmp-agent-accept", true));
        EventLoopGroup workers = new EpollEventLoopGroup(WORKER_THREADS,
                new DefaultThreadFactory("kvmp-agent-io", true));
        // Calls block in the agent (QEMU, qemu-img, useradd) and uploads hold a thread while they stream.
        ExecutorService calls = Executors.newCachedThreadPool(new DefaultThreadFactory("kvmp-agent-call", true));
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()),
                        InternalNettyServerCredentials.create(new PeerUidNegotiator()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers).executor(calls).maxInboundMessageSize(MAX_REQUEST_BYTES)
                .addService(ServerInterceptors.intercept(new AgentService(agent, calls), new CallerCheck(callerUids)))
                .build();
        AgentServer started = new AgentServer(server, socket, boss, workers, calls);
        try {
            server.start();
            SocketFile.restrict(socket, socketGid);
        } catch (IOException | RuntimeException e) {
            started.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("the host agent could not serve on " + socket + ": "
                        + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        return started;
    }

    /** Stops serving at once (open event streams are ended, so their clients notice) and removes the socket. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calls.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        SocketFile.removeStale(socket);
    }
}
