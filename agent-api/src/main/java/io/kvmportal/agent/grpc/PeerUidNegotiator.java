package io.kvmportal.agent.grpc;

import io.grpc.Attributes;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plaintext HTTP/2 (as gRPC's own server negotiator) that first reads the connecting process's uid from the unix
 * socket ({@code SO_PEERCRED}) and puts it in the transport's attributes as {@link #PEER_UID}: gRPC does not offer
 * it, and a call's attributes are its transport's. A connection whose uid cannot be read gets no attribute, and
 * {@link CallerCheck} refuses its calls.
 */
final class PeerUidNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    static final Attributes.Key<Integer> PEER_UID = Attributes.Key.create("kvmp-peer-uid");
    private static final Logger LOG = LoggerFactory.getLogger(PeerUidNegotiator.class);

    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext =
            InternalProtocolNegotiators.serverPlaintext();

    @Override
    public AsciiString scheme() {
        return plaintext.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new PeerUidHandler(plaintext.newHandler(grpcHandler));
    }

    @Override
    public void close() {
        plaintext.close();
    }

    /** Sits before the plaintext negotiation and adds the uid to the negotiation event that carries attributes. */
    private static final class PeerUidHandler extends ChannelInboundHandlerAdapter {
        private final ChannelHandler next;

        PeerUidHandler(ChannelHandler next) {
            this.next = next;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter(ctx.name(), null, next);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof ProtocolNegotiationEvent negotiation)) {
                super.userEventTriggered(ctx, event);
                return;
            }
            Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation);
            Integer uid = peerUid(ctx);
            if (uid != null) {
                attributes = attributes.toBuilder().set(PEER_UID, uid).build();
            }
            ctx.pipeline().remove(this);
            ctx.fireUserEventTriggered(InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes));
        }

        private static Integer peerUid(ChannelHandlerContext ctx) {
            if (!(ctx.channel() instanceof EpollDomainSocketChannel channel)) {
                return null;
            }
            try {
                return channel.peerCredentials().uid();
            } catch (IOException e) {
                LOG.warn("could not read a caller's credentials (SO_PEERCRED); its calls are refused", e);
                return null;
            }
        }
    }
}
