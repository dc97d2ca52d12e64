package io.kvmportal.bench;

import io.kvmportal.persistence.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;

/** Rows written straight into the database for {@link GuestListBenchmark}: many guests without a host behind. */
@Singleton
class BenchRows {
    private final Sql sql;

    BenchRows(Sql sql) {
        this.sql = sql;
    }

    /** A catalog entry without a file, so the listed guests have an image name to show. */
    @Transactional
    long insertImage(String name) {
        return sql.insert("INSERT INTO image (name, description, os, kind, format, store_id, file_bytes,"
                + " virtual_bytes, min_memory_mib, min_disk_gib, published_at) VALUES (?, '', 'linux', 'DISK',"
                + " 'qcow2', ?, 1, 1, 64, 1, ?)", name, UUID.randomUUID().toString(), Instant.now());
    }

    /** {@code count} stopped guests of one owner, named {@code prefix-0} and up. */
    @Transactional
    void insertGuests(long ownerId, long imageId, String prefix, int count) {
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            sql.insert("INSERT INTO guest (uuid, owner_id, name, image_id, vcpus, memory_mib, disk_gib, state,"
                    + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(),
                    ownerId, prefix + "-" + i, imageId, 1, 128, 1, "STOPPED", now, now);
        }
    }

    @Transactional
    void deleteGuestsOf(long ownerId, String prefix) {
        sql.update("DELETE FROM guest WHERE owner_id = ? AND name LIKE ?", ownerId, prefix + "-%");
    }
}
