package io.kvmportal.agentlink;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the host agent is reachable, as its event stream last said: lost, and since when, or back. Pages subscribe
 * to show a banner while it is lost. Reachable until told otherwise: a portal that starts before its agent learns
 * so from the stream within a moment.
 */
@Singleton
public class AgentLink {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLink.class);
    private final Clock clock;
    private final List<Consumer<Boolean>> subscribers = new CopyOnWriteArrayList<>();
    private volatile Instant lostAt;

    AgentLink(Clock clock) {
        this.clock = clock;
    }

    public boolean reachable() {
        return lostAt == null;
    }

    /** When the agent was lost, while it is. */
    public Optional<Instant> lostAt() {
        return Optional.ofNullable(lostAt);
    }

    /** Subscribes to changes (true: back, false: lost) until the returned handle is run. */
    public Runnable subscribe(Consumer<Boolean> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** The agent went away (its stream ended, or a call found nobody there). */
    public void lost() {
        boolean changed;
        synchronized (this) {
            changed = lostAt == null;
            if (changed) {
                lostAt = clock.instant();
            }
        }
        if (changed) {
            LOG.warn("The host agent is unreachable; guests keep their states until it is back");
            tell(false);
        }
    }

    public void restored() {
        boolean changed;
        synchronized (this) {
            changed = lostAt != null;
            lostAt = null;
        }
        if (changed) {
            LOG.info("The host agent is reachable again");
            tell(true);
        }
    }

    private void tell(boolean reachable) {
        for (Consumer<Boolean> subscriber : subscribers) {
            try {
                subscriber.accept(reachable);
            } catch (RuntimeException e) {
                LOG.warn("A subscriber to the agent's link failed: {}", e.toString());
            }
        }
    }
}
