package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.auth.SecretTokens;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestRegistry;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * View-only links to a guest's console. The owner makes one for a chosen time and sends its address to someone
 * who has an account here; they see the screen and touch nothing (the relay filters their side of the session,
 * {@link ViewOnlyRfb}). A link can be revoked at any time, and revoking it, or its time running out, closes the
 * consoles opened through it at once. Each viewing is a one-time console ticket of the viewer's, as for owners.
 */
@Singleton
public class ConsoleShares {
    static final String PREFIX = "kvmv_";
    /** The page a link leads to; the route of the view that shows a shared console. */
    public static final String PAGE = "/shared-console/";
    public static final Duration LONGEST = Duration.ofDays(7);
    private static final int MAX_TOKEN_LENGTH = 100;
    private final ConsoleShareRepository shares;
    private final ConsoleTokens tickets;
    private final ConsoleRegistry consoles;
    private final GuestRegistry guests;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-link-expiry");
        thread.setDaemon(true);
        return thread;
    });

    ConsoleShares(ConsoleShareRepository shares, ConsoleTokens tickets, ConsoleRegistry consoles, GuestRegistry guests,
                  AuditLog audit, SecureRandom random, Clock clock) {
        this.shares = shares;
        this.tickets = tickets;
        this.consoles = consoles;
        this.guests = guests;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /** A new link to the actor's guest's console, good for {@code lifetime}; its path is in this answer only. */
    @Transactional
    public SharedConsole create(Actor actor, long guestId, Duration lifetime) {
        Guest guest = guests.get(actor, guestId);
        return audit.record(actor, AuditAction.CONSOLE_SHARED, target(guest), () -> {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(LONGEST) > 0) {
                throw new ConsoleException(Fault.INVALID_INPUT, "A link lives from one minute to "
                        + LONGEST.toDays() + " days.");
            }
            Instant now = clock.instant();
            String token = SecretTokens.generate(random, PREFIX);
            Instant expiresAt = now.plus(lifetime);
            long id = shares.insert(SecretTokens.hash(token), guestId, actor.id(), now, expiresAt);
            expiry.schedule(() -> endViewers(id, "The link's time ran out."), lifetime.toMillis(),
                    TimeUnit.MILLISECONDS);
            return new SharedConsole(id, guestId, now, expiresAt, null, true, 0, PAGE + token);
        });
    }

    /** The links to one of the actor's guests, newest first, with how many people watch through each now. */
    @ReadOnly
    public List<SharedConsole> list(Actor actor, long guestId) {
        guests.get(actor, guestId);
        Instant now = clock.instant();
        return shares.findByGuest(guestId).stream().map(share -> view(share, now)).toList();
    }

    /** Revokes a link of the actor's; the consoles opened through it close at once. */
    @Transactional
    public void revoke(Actor actor, long guestId, long shareId) {
        Guest guest = guests.get(actor, guestId);
        audit.record(actor, AuditAction.CONSOLE_LINK_REVOKED, target(guest), () -> {
            ConsoleShareRepository.Share share = shares.findById(shareId).filter(s -> s.guestId() == guestId)
                    .orElseThrow(() -> new ConsoleException(Fault.NOT_FOUND, "No such link."));
            shares.revoke(share.id(), clock.instant());
            endViewers(share.id(), "The owner revoked this link.");
        });
    }

    /** What a viewer who followed a link may watch: the guest, once the link is checked. */
    @ReadOnly
    public Viewing follow(Actor viewer, String token) {
        ConsoleShareRepository.Share share = usable(token);
        Guest guest = guests.get(new Actor(share.ownerId(), share.ownerLogin(), false), share.guestId());
        return new Viewing(share.id(), guest.id(), guest.name(), share.ownerLogin(), share.expiresAt());
    }

    /** The guest a link shows, for the viewer's page. */
    public record Viewing(long shareId, long guestId, String guestName, String owner, Instant until) {
    }

    /** A one-time view-only console ticket for the viewer, through the link. */
    @Transactional
    public ConsoleTicket issue(Actor viewer, String token) {
        ConsoleShareRepository.Share share = usable(token);
        ConsoleTokens.Issued issued = tickets.issue(viewer.id(), share.guestId(), share.id());
        return new ConsoleTicket(share.guestId(), issued.token(), issued.expiresAt(),
                ConsoleService.screenPath(share.guestId()) + "?token=" + issued.token());
    }

    /** The link behind a view-only ticket, if it still holds; the connection is refused otherwise. */
    @ReadOnly
    ConsoleShareRepository.Share requireUsable(long shareId) {
        ConsoleShareRepository.Share share = shares.findById(shareId)
                .orElseThrow(() -> new ConsoleException(Fault.FORBIDDEN, "This link was removed."));
        requireActive(share);
        return share;
    }

    private ConsoleShareRepository.Share usable(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > MAX_TOKEN_LENGTH) {
            throw new ConsoleException(Fault.NOT_FOUND, "This console link is not valid.");
        }
        ConsoleShareRepository.Share share = shares.findByHash(SecretTokens.hash(token))
                .orElseThrow(() -> new ConsoleException(Fault.NOT_FOUND, "This console link is not valid."));
        requireActive(share);
        return share;
    }

    private void requireActive(ConsoleShareRepository.Share share) {
        if (share.revokedAt() != null) {
            throw new ConsoleException(Fault.FORBIDDEN, "The owner revoked this link.");
        }
        if (!clock.instant().isBefore(share.expiresAt())) {
            throw new ConsoleException(Fault.FORBIDDEN, "This link's time ran out.");
        }
    }

    private void endViewers(long shareId, String words) {
        consoles.endWhere(console -> Long.valueOf(shareId).equals(console.shareId()), ConsoleEnd.LINK_ENDED, words);
    }

    private SharedConsole view(ConsoleShareRepository.Share share, Instant now) {
        int viewers = (int) consoles.all().stream().filter(c -> Long.valueOf(share.id()).equals(c.shareId())).count();
        boolean active = share.revokedAt() == null && now.isBefore(share.expiresAt());
        return new SharedConsole(share.id(), share.guestId(), share.createdAt(), share.expiresAt(), share.revokedAt(),
                active, viewers, null);
    }

    private static AuditTarget target(Guest guest) {
        return new AuditTarget("guest", guest.id(), guest.name(), guest.ownerId());
    }

    @PreDestroy
    void close() {
        expiry.shutdownNow();
    }
}
