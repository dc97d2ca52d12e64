package io.kvmportal.web;

import io.micronaut.runtime.Micronaut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** Starts kvm-portal: one Jetty port serving Vaadin, the REST API and WebSockets. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = prepareDataDirectory();
        // start() returns only when the server stops; ReadyAnnouncement says where the portal listens.
        Micronaut.build(args)
                .mainClass(Application.class)
                .banner(false)
                .properties(Map.of("portal.data-dir", dataDir.toString()))
                .start();
    }

    /**
     * The data directory from {@code -Dportal.data-dir}, {@code PORTAL_DATA_DIR} or {@code ./data}, made absolute
     * (H2 refuses implicitly relative paths). Guests' accounts must pass through it to their disks and the
     * images below (0711: pass, never list); the database directory is the portal's alone (0700).
     */
    static Path prepareDataDirectory() throws IOException {
        String configured = System.getProperty("portal.data-dir", System.getenv("PORTAL_DATA_DIR"));
        Path dataDir = Path.of(configured == null || configured.isBlank() ? "data" : configured)
                .toAbsolutePath().normalize();
        ensureDirectory(dataDir, "rwx--x--x");
        ensureDirectory(dataDir.resolve("db"), "rwx------");
        return dataDir;
    }

    private static void ensureDirectory(Path dir, String mode) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    }
}
