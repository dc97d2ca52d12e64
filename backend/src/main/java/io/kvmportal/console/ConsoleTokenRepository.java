package io.kvmportal.console;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes {@code console_token}; only hashes of tokens are ever stored. */
@Singleton
class ConsoleTokenRepository {
    private final Sql sql;

    ConsoleTokenRepository(Sql sql) {
        this.sql = sql;
    }

    /** {@code shareId}: the view-only link the ticket was issued through, or null for the owner's own. */
    record Issued(long id, long userId, long guestId, Instant expiresAt, boolean used, Long shareId) {
    }

    void insert(String tokenHash, long userId, long guestId, Long shareId, Instant createdAt, Instant expiresAt) {
        sql.insert("INSERT INTO console_token (token_hash, user_id, guest_id, share_id, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", tokenHash, userId, guestId, shareId, createdAt, expiresAt);
    }

    Optional<Issued> find(String tokenHash) {
        return sql.one("SELECT id, user_id, guest_id, share_id, expires_at, used_at FROM console_token"
                        + " WHERE token_hash = ?", row -> {
                    long share = row.getLong("share_id");
                    Long shareId = row.wasNull() ? null : share;
                    return new Issued(row.getLong("id"), row.getLong("user_id"), row.getLong("guest_id"),
                            Sql.instant(row, "expires_at"), Sql.instant(row, "used_at") != null, shareId);
                }, tokenHash);
    }

    /** Marks the token used; false if another connection did so first (the row lock decides the race). */
    boolean markUsed(long id, Instant now) {
        return sql.update("UPDATE console_token SET used_at = ? WHERE id = ? AND used_at IS NULL", now, id) == 1;
    }

    /** Tokens expired before {@code before} are worth nothing, not even to say "expired" about. */
    int deleteExpiredBefore(Instant before) {
        return sql.update("DELETE FROM console_token WHERE expires_at < ?", before);
    }
}
