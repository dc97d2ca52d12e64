package io.kvmportal.account;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@code portal_user}. Callers own the transaction. */
@Singleton
class UserRepository {
    private static final String COLUMNS =
            "id, login, display_name, password_hash, role, enabled, created_at, updated_at";
    private final Sql sql;

    UserRepository(Sql sql) {
        this.sql = sql;
    }

    List<User> findAll() {
        return sql.list("SELECT " + COLUMNS + " FROM portal_user ORDER BY login", UserRepository::map);
    }

    Optional<User> findById(long id) {
        return sql.one("SELECT " + COLUMNS + " FROM portal_user WHERE id = ?", UserRepository::map, id);
    }

    Optional<User> findByLogin(String login) {
        return sql.one("SELECT " + COLUMNS + " FROM portal_user WHERE login = ?", UserRepository::map, login);
    }

    long count() {
        return sql.count("SELECT COUNT(*) FROM portal_user");
    }

    /**
     * Locks every enabled admin's row and answers how many there are. Two admins removing each other at
     * once then run one after the other, so the last admin can never be removed by a race.
     */
    long lockEnabledAdmins() {
        return sql.list("SELECT id FROM portal_user WHERE role = 'ADMIN' AND enabled = TRUE FOR UPDATE",
                row -> row.getLong(1)).size();
    }

    long insert(String login, String displayName, String passwordHash, Role role, Instant now) {
        return sql.insert("INSERT INTO portal_user (login, display_name, password_hash, role, enabled, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, TRUE, ?, ?)", login, displayName, passwordHash, role, now, now);
    }

    void updatePasswordHash(long id, String passwordHash, Instant now) {
        sql.update("UPDATE portal_user SET password_hash = ?, updated_at = ? WHERE id = ?", passwordHash, now, id);
    }

    void updateEnabled(long id, boolean enabled, Instant now) {
        sql.update("UPDATE portal_user SET enabled = ?, updated_at = ? WHERE id = ?", enabled, now, id);
    }

    void updateDisplayName(long id, String displayName, Instant now) {
        sql.update("UPDATE portal_user SET display_name = ?, updated_at = ? WHERE id = ?", displayName, now, id);
    }

    /** Guests block deleting their owner: their disks and processes must go first. */
    long countGuests(long id) {
        return sql.count("SELECT COUNT(*) FROM guest WHERE owner_id = ?", id);
    }

    boolean delete(long id) {
        return sql.update("DELETE FROM portal_user WHERE id = ?", id) == 1;
    }

    private static User map(ResultSet row) throws SQLException {
        return new User(row.getLong("id"), row.getString("login"), row.getString("display_name"),
                row.getString("password_hash"), Role.valueOf(row.getString("role")), row.getBoolean("enabled"),
                Sql.instant(row, "created_at"), Sql.instant(row, "updated_at"));
    }
}
