package io.kvmportal.audit;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Inserts into and reads {@code audit_event}. Filters become bind parameters, never SQL text. */
@Singleton
class AuditRepository {
    private final Sql sql;

    AuditRepository(Sql sql) {
        this.sql = sql;
    }

    void insert(Instant at, Long actorId, String actorLogin, AuditAction action, AuditTarget target,
                boolean success, String reason) {
        sql.insert("INSERT INTO audit_event (at, actor_id, actor_login, action, target_type, target_id, target_name,"
                        + " owner_id, success, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                at, actorId, actorLogin, action, target.type(), target.id(), target.name(), target.ownerId(),
                success, reason);
    }

    /** Newest first; {@code visibleTo} limits to entries a user acted in or owns (null: all, for admins). */
    List<AuditEvent> find(AuditQuery query, Long visibleTo) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (visibleTo != null) {
            where.append(" AND (actor_id = ? OR owner_id = ?)");
            parameters.add(visibleTo);
            parameters.add(visibleTo);
        }
        if (query.login() != null && !query.login().isBlank()) {
            where.append(" AND (actor_login = ? OR (target_type IN ('user', 'login') AND target_name = ?))");
            parameters.add(query.login().strip());
            parameters.add(query.login().strip());
        }
        if (query.action() != null) {
            where.append(" AND action = ?");
            parameters.add(query.action());
        }
        if (query.target() != null && !query.target().isBlank()) {
            where.append(" AND target_name = ?");
            parameters.add(query.target().strip());
        }
        if (query.from() != null) {
            where.append(" AND at >= ?");
            parameters.add(query.from());
        }
        if (query.to() != null) {
            where.append(" AND at < ?");
            parameters.add(query.to());
        }
        // The limit is a bounded int, not user text; both databases accept FETCH FIRST.
        return sql.list("SELECT id, at, actor_id, actor_login, action, target_type, target_id, target_name, success,"
                + " reason FROM audit_event" + where + " ORDER BY at DESC, id DESC FETCH FIRST "
                + query.boundedLimit() + " ROWS ONLY", AuditRepository::map, parameters.toArray());
    }

    private static AuditEvent map(ResultSet row) throws SQLException {
        return new AuditEvent(row.getLong("id"), Sql.instant(row, "at"), nullableLong(row, "actor_id"),
                row.getString("actor_login"), AuditAction.valueOf(row.getString("action")),
                row.getString("target_type"), nullableLong(row, "target_id"), row.getString("target_name"),
                row.getBoolean("success"), row.getString("reason"));
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}
