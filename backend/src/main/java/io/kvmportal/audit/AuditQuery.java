package io.kvmportal.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * Filters of the audit log; each null filter matches everything. {@code login} matches actor or target name,
 * {@code target} the target's name (a guest, an image), and the time range is [from, to).
 */
@Serdeable
public record AuditQuery(@Nullable String login, @Nullable AuditAction action, @Nullable String target,
                         @Nullable Instant from, @Nullable Instant to, int limit) {
    public static final int MAX_LIMIT = 1000;

    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, null, limit);
    }

    int boundedLimit() {
        return Math.max(1, Math.min(limit, MAX_LIMIT));
    }
}
