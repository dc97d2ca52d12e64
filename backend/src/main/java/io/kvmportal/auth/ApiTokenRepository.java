package io.kvmportal.auth;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes {@code api_token}; only hashes of tokens are ever stored. */
@Singleton
class ApiTokenRepository {
    private final Sql sql;

    ApiTokenRepository(Sql sql) {
        this.sql = sql;
    }

    void insert(long userId, String tokenHash, Instant createdAt, Instant expiresAt) {
        sql.insert("INSERT INTO api_token (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                userId, tokenHash, createdAt, expiresAt);
    }

    /** The owner of a token that is neither revoked nor expired at {@code now}. */
    Optional<Long> findLiveOwner(String tokenHash, Instant now) {
        return sql.one("SELECT user_id FROM api_token WHERE token_hash = ? AND revoked_at IS NULL"
                + " AND expires_at > ?", row -> row.getLong(1), tokenHash, now);
    }

    boolean revoke(long userId, String tokenHash, Instant now) {
        return sql.update("UPDATE api_token SET revoked_at = ? WHERE token_hash = ? AND user_id = ?"
                + " AND revoked_at IS NULL", now, tokenHash, userId) == 1;
    }
}
