package io.kvmportal.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh, empty database for one test class: an in-memory H2 database, or a new database on the real
 * PostgreSQL server that {@code ./test.sh} starts (its address in {@code KVMP_TEST_PG_URL}), dropped afterwards.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String PG_URL_VARIABLE = "KVMP_TEST_PG_URL";
    private final String url;
    private final String postgresDatabase;

    private TestDatabase(String url, String postgresDatabase) {
        this.url = url;
        this.postgresDatabase = postgresDatabase;
    }

    public static TestDatabase h2() {
        return new TestDatabase("jdbc:h2:mem:kvmptest-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null);
    }

    /** Creates {@code kvmptest_<random>} on the test server; fails clearly when no server was started. */
    public static TestDatabase postgres() {
        String serverUrl = serverUrl();
        String name = "kvmptest_" + UUID.randomUUID().toString().replace("-", "");
        execute(serverUrl, "CREATE DATABASE " + name);
        return new TestDatabase(serverUrl.replaceFirst("/postgres(\\?|$)", "/" + name + "$1"), name);
    }

    public String url() {
        return url;
    }

    /** The user to connect as from a test: H2's embedded default, or none (the PostgreSQL URL carries it). */
    public String user() {
        return postgresDatabase == null ? "sa" : null;
    }

    public boolean isPostgres() {
        return postgresDatabase != null;
    }

    /** The Micronaut properties that point the default datasource here. */
    public Map<String, String> properties() {
        return Map.of("datasources.default.url", url);
    }

    @Override
    public void close() {
        if (postgresDatabase != null) {
            // FORCE ends the pool's connections that the closing test context may still hold.
            execute(serverUrl(), "DROP DATABASE IF EXISTS " + postgresDatabase + " WITH (FORCE)");
        }
    }

    private static String serverUrl() {
        String url = System.getenv(PG_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(PG_URL_VARIABLE + " is not set: the PostgreSQL tests need the "
                    + "throwaway server that ./test.sh starts. Run the tests with ./test.sh.");
        }
        return url;
    }

    private static void execute(String serverUrl, String statement) {
        try (Connection connection = DriverManager.getConnection(serverUrl);
             Statement sql = connection.createStatement()) {
            sql.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test server at " + serverUrl + ": " + e.getMessage(), e);
        }
    }
}
