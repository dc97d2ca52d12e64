package io.kvmportal.hosts;

import io.kvmportal.persistence.Sql;
import jakarta.inject.Singleton;

/** What the guests that hold resources are given, summed over all users. */
@Singleton
class HostAllocationRepository {
    private final Sql sql;

    HostAllocationRepository(Sql sql) {
        this.sql = sql;
    }

    record Allocation(int guests, int vcpus, long memoryMib) {
    }

    Allocation running() {
        return sql.one("SELECT COUNT(*), COALESCE(SUM(vcpus), 0), COALESCE(SUM(memory_mib), 0) FROM guest"
                        + " WHERE state IN ('STARTING', 'RUNNING', 'PAUSED', 'STOPPING')",
                row -> new Allocation(row.getInt(1), row.getInt(2), row.getLong(3))).orElseThrow();
    }
}
