package io.kvmportal.guest;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@code guest}. Every read by id also names the owner, so no caller can skip that check. */
@Singleton
class GuestRepository {
    private static final String COLUMNS = "id, uuid, owner_id, name, image_id, vcpus, memory_mib, disk_gib, state,"
            + " last_error, created_at, updated_at";
    private final Sql sql;

    GuestRepository(Sql sql) {
        this.sql = sql;
    }

    long insert(String uuid, long ownerId, NewGuest guest, GuestState state, Instant now) {
        return sql.insert("INSERT INTO guest (uuid, owner_id, name, image_id, vcpus, memory_mib, disk_gib, state,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", uuid, ownerId,
                guest.name(), guest.imageId(), guest.vcpus(), guest.memoryMib(), guest.diskGib(), state, now, now);
    }

    Optional<Guest> findOwned(long id, long ownerId) {
        return sql.one("SELECT " + COLUMNS + " FROM guest WHERE id = ? AND owner_id = ?", GuestRepository::map,
                id, ownerId);
    }

    Optional<Long> findOwner(long id) {
        return sql.one("SELECT owner_id FROM guest WHERE id = ?", row -> row.getLong("owner_id"), id);
    }

    List<Guest> findByOwner(long ownerId) {
        return sql.list("SELECT " + COLUMNS + " FROM guest WHERE owner_id = ? ORDER BY name", GuestRepository::map,
                ownerId);
    }

    Optional<Guest> findByUuid(String uuid) {
        return sql.one("SELECT " + COLUMNS + " FROM guest WHERE uuid = ?", GuestRepository::map, uuid);
    }

    /** Every guest, with its owner's login: for reconciling with the host at start. */
    List<OwnedGuest> findAllWithOwners() {
        return sql.list("SELECT g." + COLUMNS.replace(", ", ", g.") + ", u.login FROM guest g"
                + " JOIN portal_user u ON u.id = g.owner_id", row -> new OwnedGuest(map(row), row.getString("login")));
    }

    void rename(long id, String name, Instant now) {
        sql.update("UPDATE guest SET name = ?, updated_at = ? WHERE id = ?", name, now, id);
    }

    boolean nameTaken(long ownerId, String name) {
        return sql.count("SELECT COUNT(*) FROM guest WHERE owner_id = ? AND name = ?", ownerId, name) > 0;
    }

    /** Moves a guest from one state to another; answers false if it was no longer in {@code from}. */
    boolean transition(long id, GuestState from, GuestState to, String lastError, Instant now) {
        return sql.update("UPDATE guest SET state = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = ?",
                to, lastError, now, id, from) == 1;
    }

    void delete(long id) {
        sql.update("DELETE FROM guest WHERE id = ?", id);
    }

    private static Guest map(ResultSet row) throws SQLException {
        long imageId = row.getLong("image_id");
        Long image = row.wasNull() ? null : imageId;
        return new Guest(row.getLong("id"), row.getString("uuid").strip(), row.getLong("owner_id"),
                row.getString("name"), image, row.getInt("vcpus"), row.getInt("memory_mib"), row.getInt("disk_gib"),
                GuestState.valueOf(row.getString("state")), row.getString("last_error"),
                Sql.instant(row, "created_at"), Sql.instant(row, "updated_at"));
    }
}
