package io.kvmportal.health;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** For monitoring: answers without credentials, 200 when the database answers, 503 when it does not. */
@Controller("/api/v1/health")
class HealthController {
    private static final Logger LOG = LoggerFactory.getLogger(HealthController.class);
    private final DatabaseProbe database;

    HealthController(DatabaseProbe database) {
        this.database = database;
    }

    @Serdeable
    record Health(String status, String database) {
    }

    @Get
    HttpResponse<Health> health() {
        boolean databaseUp = databaseAnswers();
        Health health = new Health(databaseUp ? "UP" : "DOWN", databaseUp ? "UP" : "DOWN");
        return databaseUp ? HttpResponse.ok(health) : HttpResponse.<Health>serverError().status(503).body(health);
    }

    private boolean databaseAnswers() {
        try {
            database.query();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Health check: the database does not answer: {}", e.getMessage());
            return false;
        }
    }
}
