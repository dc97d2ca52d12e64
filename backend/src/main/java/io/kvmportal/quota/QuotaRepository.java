package io.kvmportal.quota;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Reads and writes limits, and counts use straight from the {@code guest} table, so use can never drift
 * from the guests that exist. The states that hold a running guest's vCPUs and memory are listed once here.
 */
@Singleton
class QuotaRepository {
    static final String HOLDING_STATES = "('STARTING', 'RUNNING', 'PAUSED', 'STOPPING')";
    private static final String LIMIT_COLUMNS =
            "max_guests, max_running_guests, max_vcpus, max_memory_mib, max_disk_gib";
    private final Sql sql;

    QuotaRepository(Sql sql) {
        this.sql = sql;
    }

    QuotaLimits defaults() {
        return sql.one("SELECT " + LIMIT_COLUMNS + " FROM quota_default WHERE id = 1", QuotaRepository::limits)
                .orElseThrow(() -> new IllegalStateException("quota_default has no row 1"));
    }

    void updateDefaults(QuotaLimits limits) {
        sql.update("UPDATE quota_default SET max_guests = ?, max_running_guests = ?, max_vcpus = ?,"
                        + " max_memory_mib = ?, max_disk_gib = ? WHERE id = 1", limits.guests(),
                limits.runningGuests(), limits.vcpus(), limits.memoryMib(), limits.diskGib());
    }

    Optional<QuotaLimits> findCustom(long userId) {
        return sql.one("SELECT " + LIMIT_COLUMNS + " FROM quota WHERE user_id = ?", QuotaRepository::limits, userId);
    }

    void saveCustom(long userId, QuotaLimits limits) {
        int updated = sql.update("UPDATE quota SET max_guests = ?, max_running_guests = ?, max_vcpus = ?,"
                        + " max_memory_mib = ?, max_disk_gib = ? WHERE user_id = ?", limits.guests(),
                limits.runningGuests(), limits.vcpus(), limits.memoryMib(), limits.diskGib(), userId);
        if (updated == 0) {
            sql.update("INSERT INTO quota (user_id, " + LIMIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", userId,
                    limits.guests(), limits.runningGuests(), limits.vcpus(), limits.memoryMib(), limits.diskGib());
        }
    }

    void deleteCustom(long userId) {
        sql.update("DELETE FROM quota WHERE user_id = ?", userId);
    }

    QuotaUsage usage(long userId) {
        return sql.one("SELECT COUNT(*), COALESCE(SUM(disk_gib), 0),"
                        + " COALESCE(SUM(CASE WHEN state IN " + HOLDING_STATES + " THEN 1 ELSE 0 END), 0),"
                        + " COALESCE(SUM(CASE WHEN state IN " + HOLDING_STATES + " THEN vcpus ELSE 0 END), 0),"
                        + " COALESCE(SUM(CASE WHEN state IN " + HOLDING_STATES + " THEN memory_mib ELSE 0 END), 0)"
                        + " FROM guest WHERE owner_id = ?",
                row -> new QuotaUsage(row.getInt(1), row.getInt(3), row.getInt(4), row.getInt(5), row.getInt(2)),
                userId).orElseThrow();
    }

    /**
     * Locks the user's row until the transaction ends: every check-then-reserve of one user's quota runs
     * after this, so parallel requests of one user take turns and none can slip past a limit.
     */
    boolean lockUser(long userId) {
        return sql.one("SELECT id FROM portal_user WHERE id = ? FOR UPDATE", row -> row.getLong(1), userId)
                .isPresent();
    }

    private static QuotaLimits limits(ResultSet row) throws SQLException {
        return new QuotaLimits(row.getInt("max_guests"), row.getInt("max_running_guests"), row.getInt("max_vcpus"),
                row.getInt("max_memory_mib"), row.getInt("max_disk_gib"));
    }
}
