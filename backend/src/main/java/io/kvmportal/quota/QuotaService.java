package io.kvmportal.quota;

import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

/**
 * Per-user limits and their checks. A check and the reservation it guards happen in one transaction that first
 * locks the user's row ({@link QuotaRepository#lockUser}); a limit lowered below current use blocks new use and
 * stops nothing.
 */
@Singleton
public class QuotaService {
    private final QuotaRepository quotas;
    private final AuditLog audit;

    QuotaService(QuotaRepository quotas, AuditLog audit) {
        this.quotas = quotas;
        this.audit = audit;
    }

    /** A user sees their own quota, an admin anyone's; for others the user does not exist. */
    @ReadOnly
    public QuotaView view(Actor actor, long userId) {
        if (actor.id() != userId && !actor.admin()) {
            throw new QuotaException(Fault.NOT_FOUND, "No user with id " + userId + ".");
        }
        return viewOf(userId);
    }

    @ReadOnly
    public QuotaLimits defaults(Actor actor) {
        requireAdmin(actor);
        return quotas.defaults();
    }

    @Transactional
    public QuotaView setLimits(Actor actor, long userId, QuotaLimits limits) {
        return audit.record(actor, AuditAction.QUOTA_CHANGED, target(userId), () -> {
            requireAdmin(actor);
            requireUser(userId);
            quotas.saveCustom(userId, limits.validated());
            return viewOf(userId);
        });
    }

    /**
     * Changes only the limits given. The user's row is locked before the current limits are read, so concurrent
     * changes take turns and each builds on the one before: none undoes another's limit.
     */
    @Transactional
    public QuotaView changeLimits(Actor actor, long userId, QuotaChange change) {
        return audit.record(actor, AuditAction.QUOTA_CHANGED, target(userId), () -> {
            requireAdmin(actor);
            requireUser(userId);
            quotas.saveCustom(userId, change.applyTo(limitsOf(userId)).validated());
            return viewOf(userId);
        });
    }

    @Transactional
    public QuotaView resetToDefaults(Actor actor, long userId) {
        return audit.record(actor, AuditAction.QUOTA_CHANGED, target(userId), () -> {
            requireAdmin(actor);
            requireUser(userId);
            quotas.deleteCustom(userId);
            return viewOf(userId);
        });
    }

    @Transactional
    public QuotaLimits setDefaults(Actor actor, QuotaLimits limits) {
        return audit.record(actor, AuditAction.QUOTA_DEFAULTS_CHANGED, new AuditTarget("quota", null, "defaults",
                null), () -> {
                    requireAdmin(actor);
                    quotas.updateDefaults(limits.validated());
                    return quotas.defaults();
                });
    }

    /** Checks that one more guest with this disk fits; the caller inserts it in the same transaction. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void reserveGuest(long userId, int diskGib) {
        requireUser(userId);
        QuotaLimits limits = limitsOf(userId);
        QuotaUsage usage = quotas.usage(userId);
        require("guests", usage.guests(), 1, limits.guests());
        require("disk (GiB)", usage.diskGib(), diskGib, limits.diskGib());
    }

    /** Checks that one more running guest of this size fits; the caller marks it starting in the same transaction. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void reserveRun(long userId, int vcpus, int memoryMib) {
        requireUser(userId);
        QuotaLimits limits = limitsOf(userId);
        QuotaUsage usage = quotas.usage(userId);
        require("running guests", usage.runningGuests(), 1, limits.runningGuests());
        require("vCPUs of running guests", usage.vcpus(), vcpus, limits.vcpus());
        require("memory of running guests (MiB)", usage.memoryMib(), memoryMib, limits.memoryMib());
    }

    private QuotaView viewOf(long userId) {
        var custom = quotas.findCustom(userId);
        return new QuotaView(userId, custom.orElseGet(quotas::defaults), quotas.usage(userId), custom.isPresent());
    }

    private QuotaLimits limitsOf(long userId) {
        return quotas.findCustom(userId).orElseGet(quotas::defaults);
    }

    /** Locks the user's row, and answers 404 if there is none. */
    private void requireUser(long userId) {
        if (!quotas.lockUser(userId)) {
            throw new QuotaException(Fault.NOT_FOUND, "No user with id " + userId + ".");
        }
    }

    private static void require(String what, long used, long adding, long limit) {
        if (used + adding > limit) {
            throw QuotaException.exceeded(what, used, adding, limit);
        }
    }

    private static AuditTarget target(long userId) {
        return new AuditTarget("user", userId, "#" + userId, userId);
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw new QuotaException(Fault.FORBIDDEN, "Only an admin may do this.");
        }
    }
}
