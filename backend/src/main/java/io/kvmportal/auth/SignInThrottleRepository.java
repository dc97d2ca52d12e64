package io.kvmportal.auth;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes {@code sign_in_throttle}. Callers own the transaction. */
@Singleton
class SignInThrottleRepository {
    private final Sql sql;

    SignInThrottleRepository(Sql sql) {
        this.sql = sql;
    }

    /** A key's failures so far. */
    record Failures(int count, Instant windowStart, Instant lastFailureAt) {
    }

    /** Locks the key's row, if there is one, until the transaction ends: parallel sign-ins count one by one. */
    Optional<Failures> lock(String key) {
        return sql.one("SELECT failures, window_start, last_failure_at FROM sign_in_throttle WHERE throttle_key = ?"
                + " FOR UPDATE", row -> new Failures(row.getInt("failures"), Sql.instant(row, "window_start"),
                Sql.instant(row, "last_failure_at")), key);
    }

    /** Fails as a unique violation when another sign-in inserted the key first. */
    void insert(String key, Failures failures) {
        sql.update("INSERT INTO sign_in_throttle (throttle_key, failures, window_start, last_failure_at)"
                + " VALUES (?, ?, ?, ?)", key, failures.count(), failures.windowStart(), failures.lastFailureAt());
    }

    void update(String key, Failures failures) {
        sql.update("UPDATE sign_in_throttle SET failures = ?, window_start = ?, last_failure_at = ?"
                + " WHERE throttle_key = ?", failures.count(), failures.windowStart(), failures.lastFailureAt(), key);
    }

    /** Takes back one counted failure of the key (a sign-in that turned out right). */
    void takeBack(String key) {
        sql.update("UPDATE sign_in_throttle SET failures = failures - 1 WHERE throttle_key = ? AND failures > 0", key);
    }

    void delete(String key) {
        sql.update("DELETE FROM sign_in_throttle WHERE throttle_key = ?", key);
    }

    /** Deletes the rows that no longer change anything: window over, and wait ended. */
    int deleteStale(Instant windowStartBefore, Instant lastFailureBefore) {
        return sql.update("DELETE FROM sign_in_throttle WHERE last_failure_at < ? AND window_start < ?",
                lastFailureBefore, windowStartBefore);
    }
}
