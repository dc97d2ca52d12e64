package io.kvmportal.health;

import io.kvmportal.persistence.Sql;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;

@Singleton
class DatabaseProbe {
    private final Sql sql;

    DatabaseProbe(Sql sql) {
        this.sql = sql;
    }

    @ReadOnly
    void query() {
        sql.count("SELECT 1");
    }
}
