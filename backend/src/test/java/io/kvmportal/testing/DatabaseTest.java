package io.kvmportal.testing;

import io.micronaut.test.support.TestPropertyProvider;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of tests that run once per database: a subclass per database (annotated {@code @MicronautTest})
 * answers {@link #createDatabase()}, and every test of the shared base runs against it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest implements TestPropertyProvider {
    private TestDatabase database;

    protected abstract TestDatabase createDatabase();

    protected TestDatabase database() {
        return database;
    }

    @Override
    public Map<String, String> getProperties() {
        database = createDatabase();
        return database.properties();
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }
}
