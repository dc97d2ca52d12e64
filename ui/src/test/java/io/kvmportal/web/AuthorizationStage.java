package io.kvmportal.web;

import io.kvmportal.persistence.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;

/** Rows the authorization tests need that no service makes without a real host: a published image. */
@Singleton
class AuthorizationStage {
    private final Sql sql;

    AuthorizationStage(Sql sql) {
        this.sql = sql;
    }

    /** A catalog entry only: no file behind it, so nothing may boot from it, but it can be listed and withdrawn. */
    @Transactional
    long publishImage(String name) {
        return sql.insert("INSERT INTO image (name, description, os, kind, format, store_id, file_bytes,"
                + " virtual_bytes, min_memory_mib, min_disk_gib, published_at) VALUES (?, '', 'linux', 'DISK',"
                + " 'qcow2', ?, 1, 1, 64, 1, ?)", name, UUID.randomUUID().toString(), Instant.now());
    }
}
