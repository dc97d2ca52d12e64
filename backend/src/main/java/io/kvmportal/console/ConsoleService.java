package io.kvmportal.console;

import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agentlink.AgentFaults;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guests' consoles, in two steps. {@link #issue} gives the owner of a running or paused guest a one-time token;
 * the page then opens a WebSocket at {@link #SCREEN_PATH} with it, and {@link #open} checks the handshake (signed
 * in, from the portal's page, the token theirs, for this guest, unused and in time), connects to the guest's
 * screen and registers the console for the web shell to relay. Every open and every refusal is audited. Live
 * consoles end when the guest stops, the user loses access, or an admin ends them ({@link ConsoleEvents}).
 */
@Singleton
public class ConsoleService {
    /** The WebSocket of a guest's screen; the ticket's path adds {@code ?token=...}. */
    public static final String SCREEN_PATH = "/console/guests/{guestId}/vnc";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleService.class);
    private final GuestRegistry guests;
    private final ConsoleTokens tokens;
    private final ConsoleRegistry consoles;
    private final GuestScreens screens;
    private final ConsoleConfiguration configuration;
    private final AuditLog audit;
    private final Clock clock;
    private final ConsoleShares shares;

    ConsoleService(GuestRegistry guests, ConsoleTokens tokens, ConsoleRegistry consoles, GuestScreens screens,
                   ConsoleConfiguration configuration, AuditLog audit, Clock clock, ConsoleShares shares) {
        this.shares = shares;
        this.guests = guests;
        this.tokens = tokens;
        this.consoles = consoles;
        this.screens = screens;
        this.configuration = configuration;
        this.audit = audit;
        this.clock = clock;
    }

    /** A token for the actor to open their guest's console; the guest must be running or paused. */
    public ConsoleTicket issue(Actor actor, long guestId) {
        try {
            requireLive(guests.get(actor, guestId));
            ConsoleTokens.Issued issued = tokens.issue(actor.id(), guestId);
            return new ConsoleTicket(guestId, issued.token(), issued.expiresAt(),
                    screenPath(guestId) + "?token=" + issued.token());
        } catch (PortalException refused) {
            refused(actor, guestId, refused);
            throw refused;
        }
    }

    /** Checks a console's handshake and connects to the guest's screen; the caller relays it, then {@link #closed}. */
    public OpenConsole open(ConsoleRequest request, ConsoleLink link) {
        Actor actor = request.actor();
        try {
            if (actor == null) {
                throw ConsoleException.notSignedIn();
            }
            if (!request.fromPortalPage()) {
                throw ConsoleException.crossSite();
            }
            ConsoleTokens.Consumed ticket = tokens.consumeTicket(request.token(), actor.id(), request.guestId());
            if (ticket.verdict() != TokenVerdict.VALID) {
                throw ConsoleException.token(ticket.verdict());
            }
            // A viewer through a link watches the owner's guest: read it, and reach its screen, as the owner's.
            Actor owner = actor;
            if (ticket.shareId() != null) {
                ConsoleShareRepository.Share share = shares.requireUsable(ticket.shareId());
                owner = new Actor(share.ownerId(), share.ownerLogin(), false);
            }
            Guest guest = guests.get(owner, request.guestId());
            requireLive(guest);
            OpenConsole opened = connect(actor, owner.login(), guest, link, ticket.shareId());
            try {
                audit.success(actor.id(), actor.login(), AuditAction.CONSOLE_OPENED, target(guest));
            } catch (RuntimeException notRecorded) {
                // A console that is not in the audit log does not open.
                consoles.remove(opened.console());
                closeQuietly(opened.screen());
                throw notRecorded;
            }
            LOG.info("Console {} opened by {} on guest {} ({})", opened.console().id(), actor.login(), guest.name(),
                    guest.uuid());
            return opened;
        } catch (PortalException refused) {
            refused(actor, request.guestId(), refused);
            throw refused;
        }
    }

    /** The web shell saw the console end (either side closed, or it was ended). */
    public void closed(LiveConsole console) {
        consoles.remove(console);
        ConsoleView view = console.view();
        LOG.info("Console {} closed after {} s: {} bytes to the guest, {} to the browser", view.id(),
                Duration.between(view.since(), clock.instant()).toSeconds(), view.bytesToGuest(), view.bytesToBrowser());
    }

    /**
     * The portal is stopping: every live console ends with 1001 and says so. The web shell calls this as its
     * server begins to stop, while the browsers' connections can still carry the close frames; the context's
     * shutdown calls it again, finding none.
     */
    @PreDestroy
    public void portalStopping() {
        consoles.endWhere(console -> true, ConsoleEnd.PORTAL_STOPPING, "The portal is shutting down.");
    }

    public List<ConsoleView> list(Actor actor) {
        requireAdmin(actor);
        return consoles.all().stream().map(LiveConsole::view).toList();
    }

    /**
     * An admin ends a live console; the user's page says so. Only an admin's entry names the console's guest: a
     * refused user sees their own entries and must not learn from them whose guest has a console open.
     */
    public void end(Actor actor, long consoleId) {
        LiveConsole console = consoles.find(consoleId).orElse(null);
        AuditTarget target = console == null || !actor.admin()
                ? new AuditTarget("console", consoleId, "#" + consoleId, null) : target(console.view());
        audit.record(actor, AuditAction.CONSOLE_ENDED, target, () -> {
            requireAdmin(actor);
            if (console == null) {
                throw ConsoleException.notFound(consoleId);
            }
            consoles.endWhere(open -> open == console, ConsoleEnd.ENDED_BY_ADMIN,
                    "An administrator ended this console.");
        });
    }

    static String screenPath(long guestId) {
        return SCREEN_PATH.replace("{guestId}", Long.toString(guestId));
    }

    private OpenConsole connect(Actor actor, String ownerLogin, Guest guest, ConsoleLink link, Long shareId) {
        if (consoles.countOf(actor.id()) >= configuration.getMaxPerUser()) {
            throw ConsoleException.tooMany(consoles.countOf(actor.id()));
        }
        SocketChannel screen;
        try {
            screen = screens.connect(UUID.fromString(guest.uuid()), ownerLogin);
        } catch (HostUnreachableException e) {
            throw AgentFaults.unreachable(e);
        } catch (RuntimeException e) {
            LOG.warn("Cannot reach the screen of guest {} ({}): {}", guest.name(), guest.uuid(), e.getMessage());
            throw ConsoleException.unreachable(guest.name(), String.valueOf(e.getMessage()));
        }
        try {
            return new OpenConsole(consoles.add(actor, guest, link, clock.instant(), configuration.getMaxPerUser(),
                    shareId), screen);
        } catch (RuntimeException e) {
            closeQuietly(screen);
            throw e;
        }
    }

    private static void requireLive(Guest guest) {
        if (!guest.state().hasScreen()) {
            throw ConsoleException.notRunning(guest.name(), guest.state().name());
        }
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ConsoleException.adminOnly();
        }
    }

    private void refused(Actor actor, long guestId, PortalException refusal) {
        AuditTarget target = new AuditTarget("guest", guestId, "#" + guestId, actor == null ? null : actor.id());
        if (actor != null) {
            try {
                target = target(guests.get(actor, guestId));
            } catch (PortalException notTheirs) {
                // Another user's guest is named by its id only, as if it did not exist.
            }
        }
        audit.failure(actor == null ? null : actor.id(), actor == null ? "(not signed in)" : actor.login(),
                AuditAction.CONSOLE_OPENED, target, refusal.getMessage());
    }

    private static AuditTarget target(Guest guest) {
        return new AuditTarget("guest", guest.id(), guest.name(), guest.ownerId());
    }

    private static AuditTarget target(ConsoleView console) {
        return new AuditTarget("guest", console.guestId(), console.guestName(), console.userId());
    }

    private static void closeQuietly(SocketChannel screen) {
        try {
            screen.close();
        } catch (IOException ignored) {
            // Never relayed; nothing to tell anyone.
        }
    }
}
