package io.kvmportal.agent.grpc;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.grpc.proto.Empty;
import io.kvmportal.agent.grpc.proto.HostAgentServiceGrpc;
import io.kvmportal.agent.grpc.proto.HostEvent;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of the agent's events from the portal's side: the Events stream, opened again after it breaks (100 ms,
 * then every 250 ms), with {@link HostEventListener#connectionChanged} told when it was lost and when it stands again.
 * Only one stream is open at a time, so the listener is called from one thread at a time. The last wait is short
 * because a restarted agent must be seen, and its guests reconciled, within a second (with 1 s it took 1.15 s); an
 * attempt at a socket nobody listens on costs one refused connect.
 */
final class EventWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventWatch.class);
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long LAST_RETRY_MILLIS = 250;

    private final AgentChannel channel;
    private final HostEventListener listener;
    private final ScheduledExecutorService retries;
    private ClientCallStreamObserver<Empty> stream;
    private boolean closed;
    private volatile boolean lost;
    private volatile long retryMillis = FIRST_RETRY_MILLIS;

    EventWatch(AgentChannel channel, HostEventListener listener, ScheduledExecutorService retries) {
        this.channel = channel;
        this.listener = listener;
        this.retries = retries;
    }

    synchronized void open() {
        if (closed) {
            return;
        }
        HostAgentServiceGrpc.newStub(channel.forCall()).events(Empty.getDefaultInstance(), new Stream());
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (stream != null) {
            stream.cancel("the portal closed its watch", null);
        }
    }

    private void opened() {
        retryMillis = FIRST_RETRY_MILLIS;
        if (lost) {
            lost = false;
            tell(true);
        }
    }

    private void broken(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                retries.schedule(this::open, retryMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return; // the GrpcHostAgent is being closed
            }
            retryMillis = Math.min(retryMillis * 2, LAST_RETRY_MILLIS);
        }
        if (!lost) {
            lost = true;
            LOG.warn("the host agent's event stream at {} was lost: {}", channel.socket(),
                    cause == null ? "it ended" : cause.getMessage());
            tell(false);
        }
    }

    private void tell(boolean connected) {
        try {
            listener.connectionChanged(connected);
        } catch (RuntimeException e) {
            LOG.error("a host event listener failed", e);
        }
    }

    /** One opening of the stream; its callbacks come one at a time, and the next opening only after its end. */
    private final class Stream implements ClientResponseObserver<Empty, HostEvent> {

        @Override
        public void beforeStart(ClientCallStreamObserver<Empty> requests) {
            stream = requests;
        }

        @Override
        public void onNext(HostEvent message) {
            try {
                ProtoValues.fromProto(message).ifPresentOrElse(listener::event, EventWatch.this::opened);
            } catch (RuntimeException e) {
                LOG.error("a host event listener failed on {}", message, e);
            }
        }

        @Override
        public void onError(Throwable cause) {
            broken(cause);
        }

        @Override
        public void onCompleted() {
            broken(null);
        }
    }
}
