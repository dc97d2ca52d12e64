package io.kvmportal.host.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads on their way into the store, named by a staging id (a UUID this class chose) and never by a path: each is
 * streamed into the store's root-only {@code incoming/} as {@code upload-<id>.part}, root's, 0600, at most the
 * caller's limit, and a transfer that fails for any reason leaves no file behind. {@link #admit} hands it to the
 * store's inspection and consumes it either way. Files left by a crash are removed by {@link #removeLeftovers}.
 */
public final class ImageStaging {
    static final String PREFIX = "upload-";
    static final String SUFFIX = ".part";
    /** The largest limit a caller may set (the largest disk kvm-host makes): a limit is a size, not a wish. */
    public static final long MAX_LIMIT = GuestDisks.MAX_DISK_BYTES;
    private static final Logger LOG = LoggerFactory.getLogger(ImageStaging.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int BUFFER = 1 << 16;
    private final ImageStore store;

    /** An upload in {@code incoming/}. */
    public record Staged(String id, long bytes) {
    }

    public ImageStaging(ImageStore store) {
        this.store = store;
    }

    /** Streams {@code in} into a new staged file; more than {@code maxBytes} is refused and nothing is kept. */
    public Staged stage(InputStream in, long maxBytes) {
        Objects.requireNonNull(in, "the upload's bytes");
        if (maxBytes <= 0 || maxBytes > MAX_LIMIT) {
            throw new IllegalArgumentException("an upload limit of " + maxBytes + " bytes is not between 1 and "
                    + MAX_LIMIT);
        }
        String id = UUID.randomUUID().toString();
        Path file = file(id);
        boolean complete = false;
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            byte[] buffer = new byte[BUFFER];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                written += read;
                if (written > maxBytes) {
                    throw new UploadTooLargeException("The upload is larger than the " + maxBytes
                            + " bytes allowed; it was stopped after " + written + " bytes and not kept.");
                }
                out.write(buffer, 0, read);
            }
            complete = true;
            return new Staged(id, written);
        } catch (IOException e) {
            throw new UncheckedIOException("The upload broke off after " + written + " bytes (" + e.getMessage()
                    + "); nothing was kept.", e);
        } finally {
            if (!complete) {
                deleteQuietly(file);
            }
        }
    }

    /** Inspects the staged upload and admits it to the store; refused or not, the staged file is gone after. */
    public BaseImage admit(String id, ImageFormat format, long maxVirtualBytes) {
        Path file = file(id);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnknownImageException("No staged upload " + id + " (discarded, admitted already, or never"
                    + " staged).");
        }
        try {
            return store.admit(file, format, maxVirtualBytes);
        } finally {
            deleteQuietly(file);
        }
    }

    /** Removes a staged upload; nothing if it is gone already. */
    public void discard(String id) {
        deleteQuietly(file(id));
    }

    /** Nothing is staged while the host starts: a staged file still here was cut off by a crash. */
    public void removeLeftovers() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(store.incoming(), PREFIX + "*")) {
            for (Path file : files) {
                LOG.info("Removing {}, an upload cut off when the host last stopped", file.getFileName());
                deleteQuietly(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + store.incoming(), e);
        }
    }

    /** The staged file of {@code id}, which must be a lower-case UUID: no other name reaches the file system. */
    private Path file(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("staging id " + BaseImage.quoted(id) + " is not a lower-case UUID");
        }
        return store.incoming().resolve(PREFIX + id + SUFFIX);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not remove the staged file {}: {}", file, e.getMessage());
        }
    }
}
