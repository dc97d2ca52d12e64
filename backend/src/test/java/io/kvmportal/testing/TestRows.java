package io.kvmportal.testing;

import io.kvmportal.persistence.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;

/**
 * Rows written straight into the database, for tests and benchmarks that need what no service makes without a
 * real host behind it: published images without a file, and many guests at once.
 */
@Singleton
public class TestRows {
    private final Sql sql;

    TestRows(Sql sql) {
        this.sql = sql;
    }

    /** A catalog entry only: nothing can boot from it, but it is listed, named and can be withdrawn. */
    @Transactional
    public long publishImage(String name) {
        return sql.insert("INSERT INTO image (name, description, os, kind, format, store_id, file_bytes,"
                + " virtual_bytes, min_memory_mib, min_disk_gib, published_at) VALUES (?, '', 'linux', 'DISK',"
                + " 'qcow2', ?, 1, 1, 64, 1, ?)", name, UUID.randomUUID().toString(), Instant.now());
    }

    /** {@code count} stopped guests of one owner, named {@code prefix-0} and up. */
    @Transactional
    public void insertStoppedGuests(long ownerId, long imageId, String prefix, int count) {
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            sql.insert("INSERT INTO guest (uuid, owner_id, name, image_id, vcpus, memory_mib, disk_gib, state,"
                    + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(),
                    ownerId, prefix + "-" + i, imageId, 1, 128, 1, "STOPPED", now, now);
        }
    }

    @Transactional
    public void deleteGuests(long ownerId, String prefix) {
        sql.update("DELETE FROM guest WHERE owner_id = ? AND name LIKE ?", ownerId, prefix + "-%");
    }

    /** Forgets every failed sign-in: tests that send many from 127.0.0.1 must not lock out the next test. */
    @Transactional
    public void forgetSignInFailures() {
        sql.update("DELETE FROM sign_in_throttle");
    }
}
