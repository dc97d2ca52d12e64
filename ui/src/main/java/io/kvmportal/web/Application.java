package io.kvmportal.web;

import io.micronaut.runtime.Micronaut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/** Starts kvm-portal: one Jetty port serving Vaadin, the REST API and WebSockets. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws IOException {
        Optional<String> refusal = RootRefusal.reasonFor(RootRefusal.currentUid());
        if (refusal.isPresent()) {
            System.err.println(refusal.get());
            System.exit(RootRefusal.EXIT_CODE);
        }
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
     * (H2 refuses implicitly relative paths). It is the portal's alone (0700), as its database directory is:
     * guests' disks and images live in the host agent's data directory, not here.
     */
    static Path prepareDataDirectory() throws IOException {
        String configured = System.getProperty("portal.data-dir", System.getenv("PORTAL_DATA_DIR"));
        Path dataDir = Path.of(configured == null || configured.isBlank() ? "data" : configured)
                .toAbsolutePath().normalize();
        ensureDirectory(dataDir, "rwx------");
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
