package io.kvmportal.host.image;

import io.kvmportal.host.exec.Command;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the portal's demo guest (the same tiny Linux the tests boot) from Debian packages, with the script
 * shipped inside this jar: a kernel, a busybox initrd and a 16 MiB data disk. The portal publishes it on its
 * first start so a newcomer can launch a guest at once. Needs apt's lists and network access to Debian.
 */
public final class DemoImageBuilder {
    static final String SCRIPT = "build-test-guest.sh";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private DemoImageBuilder() {
    }

    /** The built files, all in one directory. */
    public record DemoFiles(Path kernel, Path initrd, Path baseDisk) {
        public Path directory() {
            return kernel.getParent();
        }
    }

    /**
     * The demo files from {@code <cacheRoot>/<hash of the script>/}, built there first if missing. Several JVMs
     * may build at once: each builds in a scratch directory beside the entry and renames it into place; whoever
     * loses the race drops its copy and uses the winner's. An entry therefore is complete or does not exist.
     */
    public static DemoFiles buildCached(Path cacheRoot) {
        try {
            Path entry = cacheRoot.resolve(scriptHash());
            if (complete(files(entry))) {
                return files(entry);
            }
            Files.createDirectories(cacheRoot);
            Path scratch = Files.createTempDirectory(cacheRoot, entry.getFileName() + ".building-");
            try {
                build(scratch);
                publish(scratch, entry);
            } finally {
                deleteTree(scratch);
            }
            return files(entry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache the demo image under " + cacheRoot, e);
        }
    }

    private static void publish(Path scratch, Path entry) throws IOException {
        try {
            Files.move(scratch, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the cache must be one file system: " + entry, e);
        } catch (FileSystemException lostRace) {
            // rename(2) onto a non-empty directory fails with ENOTEMPTY, which Java reports as a plain
            // FileSystemException: another build got there first, and its entry is used if complete.
            if (!complete(files(entry))) {
                throw lostRace;
            }
        }
        if (!complete(files(entry))) {
            throw new IOException("cache entry is incomplete after publishing: " + entry);
        }
    }

    /** Runs the script into {@code outDir} (created) and answers the three files. */
    public static DemoFiles build(Path outDir) {
        try {
            Files.createDirectories(outDir);
            Path script = outDir.resolve(SCRIPT);
            try (InputStream in = DemoImageBuilder.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is missing from the kvm-host jar");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Command.runChecked(List.of("/bin/sh", script.toString(), outDir.toString()), TIMEOUT);
            return files(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the demo image in " + outDir, e);
        }
    }

    private static DemoFiles files(Path dir) {
        return new DemoFiles(dir.resolve("vmlinuz"), dir.resolve("initrd.gz"), dir.resolve("base.qcow2"));
    }

    private static boolean complete(DemoFiles files) {
        return Files.isRegularFile(files.kernel()) && Files.isRegularFile(files.initrd())
                && Files.isRegularFile(files.baseDisk());
    }

    /** The first 12 hex digits of the script's SHA-256: a cache entry's name, so an edited script rebuilds. */
    public static String scriptHash() throws IOException {
        try (InputStream in = DemoImageBuilder.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the kvm-host jar");
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
