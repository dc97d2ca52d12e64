package io.kvmportal.testing;

import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.testing.ScratchAgent;
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
 * answers {@link #createDatabase()}, and every test of the shared base runs against it. The portal under test
 * reaches a real host agent ({@link ScratchAgent}, in this process) over its unix socket, as it does in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest implements TestPropertyProvider {
    /** Where the tests' portals put their guests' cgroups: named so that a leftover is plainly a test's. */
    public static final String CGROUP_PARENT = "kvmptest-portal";
    private TestDatabase database;
    private Path dataDir;
    private ScratchAgent agent;

    protected abstract TestDatabase createDatabase();

    protected TestDatabase database() {
        return database;
    }

    /** The portal's data directory in this test (portal.data-dir). */
    protected Path dataDir() {
        return dataDir;
    }

    /** The host agent the portal under test talks to. */
    protected ScratchAgent agent() {
        return agent;
    }

    /**
     * The database, a scratch data directory for the host side (images, guests) shared by the portal and its agent
     * (so that tests find guests' and images' files where they always were), and the agent; all removed afterwards.
     */
    @Override
    public Map<String, String> getProperties() {
        database = createDatabase();
        try {
            dataDir = Files.createTempDirectory("kvmptest-data-");
            // As the agent's data directory is made: guests' accounts pass through to their disks, never list.
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
            agent = ScratchAgent.start(dataDir, CGROUP_PARENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new HashMap<>(database.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.host.agent-socket", agent.socket().toString());
        properties.put("portal.console.screen-socket", agent.screenSocket().toString());
        return properties;
    }

    @AfterAll
    void dropDatabase() throws IOException {
        if (agent != null) {
            agent.close();
        }
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
