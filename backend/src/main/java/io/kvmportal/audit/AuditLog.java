package io.kvmportal.audit;

import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Records every change with who, what, target, when, result and reason. A success is written in the caller's
 * transaction, so it is recorded exactly when the change commits; a refusal is written in a transaction of
 * its own, so it survives the rollback of the change it refused.
 */
@Singleton
public class AuditLog {
    /** audit_event.actor_login's width: an attempted login can be any length a client sent. */
    private static final int MAX_LOGIN = 64;
    private static final int MAX_TEXT = 100;
    private static final int MAX_REASON = 500;
    private final AuditRepository events;
    private final Clock clock;

    AuditLog(AuditRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Runs a change and records how it ended: success, or the refusal's message (which is then rethrown). */
    public <T> T record(Actor actor, AuditAction action, AuditTarget target, Supplier<T> change) {
        T result = refusalRecorded(actor, action, target, change);
        success(actor.id(), actor.login(), action, target);
        return result;
    }

    /**
     * {@link #record(Actor, AuditAction, AuditTarget, Supplier)} for a change that succeeds with something worth
     * saying, such as a part it deliberately left undone: the change answers that note (or null), and the entry
     * carries it as its reason. Answers the note, for the caller to show too.
     */
    public String recordWithNote(Actor actor, AuditAction action, AuditTarget target, Supplier<String> change) {
        String note = refusalRecorded(actor, action, target, change);
        insertSuccess(actor.id(), actor.login(), action, target, note);
        return note;
    }

    /** {@link #record(Actor, AuditAction, AuditTarget, Supplier)} for changes that answer nothing. */
    public void record(Actor actor, AuditAction action, AuditTarget target, Runnable change) {
        record(actor, action, target, () -> {
            change.run();
            return null;
        });
    }

    @Transactional
    public void success(Long actorId, String actorLogin, AuditAction action, AuditTarget target) {
        insertSuccess(actorId, actorLogin, action, target, null);
    }

    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    public void failure(Long actorId, String actorLogin, AuditAction action, AuditTarget target, String reason) {
        events.insert(clock.instant(), actorId, bounded(actorLogin, MAX_LOGIN), action, bounded(target), false,
                bounded(reason, MAX_REASON));
    }

    private void insertSuccess(Long actorId, String actorLogin, AuditAction action, AuditTarget target, String note) {
        events.insert(clock.instant(), actorId, bounded(actorLogin, MAX_LOGIN), action, bounded(target), true,
                note == null ? null : bounded(note, MAX_REASON));
    }

    private <T> T refusalRecorded(Actor actor, AuditAction action, AuditTarget target, Supplier<T> change) {
        try {
            return change.get();
        } catch (PortalException refused) {
            failure(actor.id(), actor.login(), action, target, refused.getMessage());
            throw refused;
        }
    }

    /** Admins see every entry; a user sees those they acted in or that concern their own objects. */
    @ReadOnly
    public List<AuditEvent> find(Actor viewer, AuditQuery query) {
        return events.find(query, viewer.admin() ? null : viewer.id());
    }

    private static AuditTarget bounded(AuditTarget target) {
        return new AuditTarget(target.type(), target.id(), bounded(target.name(), MAX_TEXT), target.ownerId());
    }

    /** Attempted login names and reasons can be anything a client sent: cut them and drop control characters. */
    static String bounded(String text, int max) {
        if (text == null) {
            return "";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > max ? clean.substring(0, max - 3) + "..." : clean;
    }
}
