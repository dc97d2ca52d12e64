package io.kvmportal.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import io.kvmportal.host.image.DemoImageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's test guest (kernel, initramfs, base data disk), built by
 * {@code src/main/resources/io/kvmportal/host/image/build-test-guest.sh} once and cached under a hash of that script.
 *
 * <p>Several JVMs (parallel builds, an IDE next to Maven) may build at the same time. Each builds into
 * a private temporary directory beside the cache entry and renames it into place atomically; whoever
 * loses the race deletes its copy and uses the winner's. A cache entry therefore either is complete or
 * does not exist.
 */
public final class TestGuestImage {
    private static final Logger LOG = LoggerFactory.getLogger(TestGuestImage.class);
    private static final Path SCRIPT = Path.of("src/main/resources/io/kvmportal/host/image/build-test-guest.sh").toAbsolutePath();
    private static final List<String> FILES = List.of("vmlinuz", "initrd.gz", "base.qcow2");

    private static volatile TestGuestImage shared;

    private final Path directory;

    private TestGuestImage(Path directory) {
        this.directory = directory;
    }

    /** The guest in the user's cache, built on first use in this JVM if the cache lacks it. */
    public static TestGuestImage get() {
        TestGuestImage guest = shared;
        if (guest == null) {
            synchronized (TestGuestImage.class) {
                if (shared == null) {
                    Path root = Path.of(System.getProperty("user.home"), ".cache", "kvm-portal", "test-guest");
                    shared = buildOrReuse(root);
                }
                guest = shared;
            }
        }
        return guest;
    }

    /** Builds the guest under {@code cacheRoot}, or reuses a complete entry for the current script. */
    public static TestGuestImage buildOrReuse(Path cacheRoot) {
        try {
            Path entry = cacheRoot.resolve(scriptHash());
            if (isComplete(entry)) {
                return new TestGuestImage(entry);
            }
            Files.createDirectories(cacheRoot);
            Path temp = Files.createTempDirectory(cacheRoot, entry.getFileName() + ".building-");
            try {
                runScript(temp);
                publish(temp, entry);
            } finally {
                deleteTree(temp);
            }
            return new TestGuestImage(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path directory() {
        return directory;
    }

    public Path kernel() {
        return directory.resolve("vmlinuz");
    }

    public Path initrd() {
        return directory.resolve("initrd.gz");
    }

    public Path baseDisk() {
        return directory.resolve("base.qcow2");
    }

    static String scriptHash() throws IOException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SCRIPT));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static boolean isComplete(Path entry) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(entry.resolve(f)));
    }

    /** The portal's own builder, so the tests boot exactly the demo guest the portal publishes. */
    private static void runScript(Path out) throws IOException {
        LOG.info("building the test guest into {}", out);
        try {
            DemoImageBuilder.build(out);
        } catch (RuntimeException e) {
            throw new IOException("test guest build failed: " + e.getMessage(), e);
        }
        if (!isComplete(out)) {
            throw new IOException("test guest build left an incomplete " + out);
        }
    }

    private static void publish(Path temp, Path entry) throws IOException {
        try {
            Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cache root must be one file system: " + entry, e);
        } catch (FileSystemException lostRace) {
            // rename(2) onto a non-empty directory fails with ENOTEMPTY, which Java reports as a plain
            // FileSystemException: another build got there first, and its entry is used if complete.
            if (!isComplete(entry)) {
                throw lostRace;
            }
            LOG.info("another build published {} first; using it", entry);
        }
        if (!isComplete(entry)) {
            throw new IOException("cache entry is incomplete after publishing: " + entry);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
