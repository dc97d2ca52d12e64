package io.kvmportal.host.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Builds the demo guest with {@link DemoImageBuilder} (cached per machine) and admits it like an upload: its disk
 * through staging and the store's inspection, its kernel and initrd kept beside it, root's, 0444. Each call adds
 * a new image: whether one is published already is for the caller, who records images, to know.
 */
public final class DemoImage {
    /** The demo kernel's command line: its console on the screen and on the serial port. */
    public static final String KERNEL_APPEND = "console=tty1 console=ttyS0 quiet";
    /** Far above the demo disk's 16 MiB: a limit for the copy, not a size anyone chooses. */
    private static final long MAX_BYTES = 1L << 30;

    private DemoImage() {
    }

    /** Builds (or reuses from {@code cacheRoot}, made root-only) the demo files and admits them to the store. */
    public static BaseImage publish(ImageStore store, ImageStaging staging, Path cacheRoot) {
        DemoImageBuilder.DemoFiles files = DemoImageBuilder.buildCached(rootOnly(cacheRoot));
        ImageStaging.Staged staged;
        try (InputStream disk = Files.newInputStream(files.baseDisk(), LinkOption.NOFOLLOW_LINKS)) {
            staged = staging.stage(disk, MAX_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo disk " + files.baseDisk(), e);
        }
        BaseImage image = staging.admit(staged.id(), ImageFormat.QCOW2, MAX_BYTES);
        try {
            store.keepBootFiles(image, files.kernel(), files.initrd());
        } catch (RuntimeException e) {
            store.remove(image);
            throw e;
        }
        return image;
    }

    /** What root builds and later copies into the store must not be writable by anyone else. */
    private static Path rootOnly(Path cacheRoot) {
        try {
            if (!Files.isDirectory(cacheRoot, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(cacheRoot);
                Files.setPosixFilePermissions(cacheRoot, PosixFilePermissions.fromString("rwx------"));
            }
            return cacheRoot;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the demo image cache " + cacheRoot, e);
        }
    }
}
