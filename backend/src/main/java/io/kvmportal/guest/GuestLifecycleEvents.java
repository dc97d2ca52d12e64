package io.kvmportal.guest;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.RunState;
import io.kvmportal.agentlink.AgentLink;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database true to the host, from the agent's stream of events: a QEMU that ended (powered off, killed,
 * crashed) makes its guest stopped, with the reason when it was not a clean power-off; a QEMU paused or resumed
 * behind the portal's back shows so. When the agent is lost, the link says so and nothing else changes; when it is
 * back (and at the portal's start), guests the database calls live are watched again where their QEMU still runs
 * and marked stopped where it does not, and guests left half created or half deleted are finished.
 */
@Singleton
class GuestLifecycleEvents implements ApplicationEventListener<StartupEvent>, HostEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(GuestLifecycleEvents.class);
    private static final List<GuestState> LIVE = List.of(GuestState.STOPPING, GuestState.RUNNING, GuestState.PAUSED,
            GuestState.STARTING);
    private final GuestRegistry registry;
    private final GuestService guests;
    private final HostAgent agent;
    private final AgentLink link;
    private final ApplicationEventPublisher<GuestEnded> ended;
    private static final Duration WATCH_AGAIN = Duration.ofSeconds(2);
    /** One reconciliation at a time, off the thread that delivers the agent's events. */
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "guest-reconcile");
        thread.setDaemon(true);
        return thread;
    });
    private volatile AutoCloseable watch;

    GuestLifecycleEvents(GuestRegistry registry, GuestService guests, HostAgent agent, AgentLink link,
                         ApplicationEventPublisher<GuestEnded> ended) {
        this.registry = registry;
        this.guests = guests;
        this.agent = agent;
        this.link = link;
        this.ended = ended;
    }

    @EventListener
    void onEnded(GuestEnded ended) {
        registry.findByUuid(ended.uuid().toString()).ifPresent(guest -> {
            String error = ended.clean() ? null : "QEMU ended: " + ended.reason();
            for (GuestState from : LIVE) {
                if (registry.advance(guest.id(), from, GuestState.STOPPED, error)) {
                    return;
                }
            }
        });
    }

    /** Watches the agent, then reconciles; an agent that is down fails neither: both happen when it comes. */
    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (startWatching()) {
            reconciler.execute(() -> reconcile("when the portal started"));
        }
        reconciler.execute(guests::removeUnusedImageFiles);
    }

    /**
     * Asks for the agent's events; if even that fails (the stream reports a lost agent itself, so this is rare),
     * asks again every few seconds, and once the agent answers counts it as back.
     */
    private boolean startWatching() {
        try {
            watch = agent.watch(this);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Cannot watch the host agent's events; trying again: {}", e.toString());
            link.lost();
            reconciler.schedule(() -> {
                if (startWatching()) {
                    answering();
                }
            }, WATCH_AGAIN.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        }
    }

    private void answering() {
        try {
            agent.identify();
            connectionChanged(true);
        } catch (RuntimeException e) {
            LOG.info("The host agent does not answer yet: {}", e.getMessage());
        }
    }

    @Override
    public void event(HostEvent event) {
        if (event instanceof HostEvent.GuestEnded end) {
            ended.publishEvent(new GuestEnded(end.guest(), end.exit().clean(), end.exit().reason()));
        } else if (event instanceof HostEvent.RunStateChanged change) {
            runStateChanged(change.guest(), change.state());
        }
    }

    @Override
    public void connectionChanged(boolean connected) {
        if (connected) {
            link.restored();
            reconciler.execute(() -> reconcile("when the host agent came back"));
        } else {
            link.lost();
        }
    }

    /**
     * QEMU paused or resumed (by the portal, which already wrote the state, or behind its back: a guest's I/O error
     * pauses it). Only between PAUSED and RUNNING: the events of one stream arrive in order, so the last one wins.
     */
    private void runStateChanged(UUID uuid, RunState state) {
        GuestState from = state == RunState.PAUSED ? GuestState.RUNNING
                : state == RunState.RUNNING ? GuestState.PAUSED : null;
        if (from == null) {
            return;
        }
        GuestState to = from == GuestState.RUNNING ? GuestState.PAUSED : GuestState.RUNNING;
        registry.findByUuid(uuid.toString()).ifPresent(guest -> registry.advance(guest.id(), from, to, null));
    }

    /** Every guest in turn; an agent lost on the way ends the round, and its return starts the next. */
    void reconcile(String when) {
        for (OwnedGuest owned : registry.allWithOwners()) {
            Guest guest = owned.guest();
            if (guests.inFlight(guest.id())) {
                continue;
            }
            try {
                reconcile(guest, owned.login(), when);
            } catch (HostUnreachableException e) {
                link.lost();
                LOG.info("The host agent is unreachable; guests are reconciled when it is back: {}", e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("Cannot reconcile guest {} ({}): {}", guest.name(), guest.uuid(), e.getMessage());
            }
        }
    }

    private void reconcile(Guest guest, String login, String when) {
        UUID uuid = UUID.fromString(guest.uuid());
        if (guest.state() == GuestState.CREATING || guest.state() == GuestState.DELETING) {
            agent.deleteGuest(uuid, login);
            registry.forget(guest.id());
            guests.released(guest);
        } else if (guest.state().holdsRunResources() && !agent.reattach(guests.definition(login, guest))) {
            registry.advance(guest.id(), guest.state(), GuestState.STOPPED,
                    "QEMU was not running any more " + when + ".");
        }
    }

    @PreDestroy
    void close() throws Exception {
        reconciler.shutdownNow();
        AutoCloseable open = watch;
        if (open != null) {
            open.close();
        }
    }
}
