package io.kvmportal.audit;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import java.time.Instant;
import java.util.List;

@Controller("/api/v1/audit")
class AuditController {
    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    /** Newest first. Admins see all entries, users their own; every filter is optional. */
    @Get
    List<AuditEvent> find(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor viewer,
                          @Nullable @QueryValue String login, @Nullable @QueryValue AuditAction action,
                          @Nullable @QueryValue String target, @Nullable @QueryValue Instant from,
                          @Nullable @QueryValue Instant to, @Nullable @QueryValue Integer limit) {
        return audit.find(viewer, new AuditQuery(login, action, target, from, to, limit == null ? 200 : limit));
    }
}
