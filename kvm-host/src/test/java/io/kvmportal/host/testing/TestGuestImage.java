package io.kvmportal.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.kvmportal.host.image.DemoImageBuilder;

/**
 * The project's test guest (kernel, initramfs, base data disk): the portal's own demo image, built by
 * {@link DemoImageBuilder#buildCached} once and cached under a hash of its script, safe against parallel builds.
 */
public final class TestGuestImage {

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
                    shared = buildOrReuse(cacheRoot());
                }
                guest = shared;
            }
        }
        return guest;
    }

    /** The user's cache of the test guest, which a host's demo image build reuses (the same script, one entry). */
    public static Path cacheRoot() {
        return Path.of(System.getProperty("user.home"), ".cache", "kvm-portal", "test-guest");
    }

    /** Builds the guest under {@code cacheRoot}, or reuses a complete entry for the current script. */
    public static TestGuestImage buildOrReuse(Path cacheRoot) {
        return new TestGuestImage(DemoImageBuilder.buildCached(cacheRoot).directory());
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
        return DemoImageBuilder.scriptHash();
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
