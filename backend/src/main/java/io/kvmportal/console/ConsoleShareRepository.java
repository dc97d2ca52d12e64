package io.kvmportal.console;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@code console_share}; only hashes of link tokens are stored. */
@Singleton
class ConsoleShareRepository {
    private static final String COLUMNS = "s.id, s.guest_id, s.owner_id, u.login, s.created_at, s.expires_at,"
            + " s.revoked_at";
    private final Sql sql;

    ConsoleShareRepository(Sql sql) {
        this.sql = sql;
    }

    /** A link with its owner's login: the guest's screen socket belongs to the owner's Linux account. */
    record Share(long id, long guestId, long ownerId, String ownerLogin, Instant createdAt, Instant expiresAt,
                 Instant revokedAt) {
    }

    long insert(String tokenHash, long guestId, long ownerId, Instant createdAt, Instant expiresAt) {
        return sql.insert("INSERT INTO console_share (token_hash, guest_id, owner_id, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)", tokenHash, guestId, ownerId, createdAt, expiresAt);
    }

    Optional<Share> findByHash(String tokenHash) {
        return sql.one("SELECT " + COLUMNS + " FROM console_share s JOIN portal_user u ON u.id = s.owner_id"
                + " WHERE s.token_hash = ?", ConsoleShareRepository::map, tokenHash);
    }

    Optional<Share> findById(long id) {
        return sql.one("SELECT " + COLUMNS + " FROM console_share s JOIN portal_user u ON u.id = s.owner_id"
                + " WHERE s.id = ?", ConsoleShareRepository::map, id);
    }

    List<Share> findByGuest(long guestId) {
        return sql.list("SELECT " + COLUMNS + " FROM console_share s JOIN portal_user u ON u.id = s.owner_id"
                + " WHERE s.guest_id = ? ORDER BY s.created_at DESC", ConsoleShareRepository::map, guestId);
    }

    boolean revoke(long id, Instant now) {
        return sql.update("UPDATE console_share SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id) == 1;
    }

    private static Share map(ResultSet row) throws SQLException {
        return new Share(row.getLong("id"), row.getLong("guest_id"), row.getLong("owner_id"), row.getString("login"),
                Sql.instant(row, "created_at"), Sql.instant(row, "expires_at"), Sql.instant(row, "revoked_at"));
    }
}
