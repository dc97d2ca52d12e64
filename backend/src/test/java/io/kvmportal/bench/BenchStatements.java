package io.kvmportal.bench;

import io.kvmportal.persistence.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;

/** The baselines of {@link QuotaCreateBenchmark}: the same transactions without the quota's lock and checks. */
@Singleton
class BenchStatements {
    private final Sql sql;

    BenchStatements(Sql sql) {
        this.sql = sql;
    }

    /** One round trip in a transaction of its own: what any request that touches the database pays at least. */
    @Transactional
    long selectOne() {
        return sql.count("SELECT 1");
    }

    /** The guest row that reserveNew writes, written alone: no row lock, no usage count, no name check. */
    @Transactional
    long insertGuest(long ownerId, String name) {
        Instant now = Instant.now();
        return sql.insert("INSERT INTO guest (uuid, owner_id, name, image_id, vcpus, memory_mib, disk_gib, state,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(),
                ownerId, name, null, 1, 128, 1, "CREATING", now, now);
    }

    @Transactional
    void deleteGuests() {
        sql.update("DELETE FROM guest");
    }
}
