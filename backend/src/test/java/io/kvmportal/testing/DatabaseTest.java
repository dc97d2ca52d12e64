package io.kvmportal.testing;

import io.kvmportal.host.cgroup.GuestCgroups;
import io.micronaut.test.support.TestPropertyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of tests that run once per database: a subclass per database (annotated {@code @MicronautTest})
 * answers {@link #createDatabase()}, and every test of the shared base runs against it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest implements TestPropertyProvider {
    /** Where the tests' portals put their guests' cgroups: named so that a leftover is plainly a test's. */
    public static final String CGROUP_PARENT = "kvmptest-portal";
    private TestDatabase database;
    private Path dataDir;

    protected abstract TestDatabase createDatabase();

    protected TestDatabase database() {
        return database;
    }

    /** The portal's data directory in this test (portal.data-dir). */
    protected Path dataDir() {
        return dataDir;
    }

    /** The database, and a scratch data directory for the host side (images, guests), removed afterwards. */
    @Override
    public Map<String, String> getProperties() {
        database = createDatabase();
        try {
            dataDir = Files.createTempDirectory("kvmptest-data-");
            // As the portal makes it (Application): guests' accounts pass through to their disks, never list.
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new HashMap<>(database.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.host.cgroup-parent", CGROUP_PARENT);
        return properties;
    }

    @AfterAll
    void dropDatabase() throws IOException {
        // Each test's guests took their cgroups away with them; the parent goes once the last of them has.
        new GuestCgroups(CGROUP_PARENT).removeParentIfEmpty();
        if (database != null) {
            database.close();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }
}
