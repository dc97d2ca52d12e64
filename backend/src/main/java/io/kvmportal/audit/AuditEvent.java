package io.kvmportal.audit;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** One entry of the audit log. */
@Serdeable
public record AuditEvent(long id, Instant at, Long actorId, String actorLogin, AuditAction action, String targetType,
                         Long targetId, String targetName, boolean success, String reason) {
}
