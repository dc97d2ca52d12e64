package io.kvmportal.image;

import io.kvmportal.api.Actor;
import io.kvmportal.host.Host;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an image's bytes into the host's root-only incoming area, where kvm-host inspects them: streamed from an
 * upload, or copied (never moved: the admin's file stays theirs) from an import directory on the server. Nothing
 * is held in memory, at most the configured size is written, and a transfer that fails for any reason leaves no
 * file behind. Uploads cut off by a crash are removed at the next start.
 */
@Context
public class ImageUploads {
    static final String PREFIX = "upload-";
    private static final Logger LOG = LoggerFactory.getLogger(ImageUploads.class);
    private static final int BUFFER = 1 << 16;
    private final Path incoming;
    private final long maxFileSize;
    private final List<Path> importDirs;

    ImageUploads(Host host, ImageConfiguration configuration, @Property(name = "portal.data-dir") String dataDir) {
        this.incoming = host.incomingImages();
        this.maxFileSize = configuration.getMaxFileSize();
        this.importDirs = configuration.getImportDirs().isEmpty()
                ? List.of(defaultImportDir(Path.of(dataDir)))
                : configuration.getImportDirs().stream().map(dir -> Path.of(dir).toAbsolutePath().normalize()).toList();
        removeLeftovers();
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    /** The directories an admin may publish files from by path. */
    public List<Path> importDirs() {
        return importDirs;
    }

    /**
     * Streams {@code body} into a new file of the incoming area. {@code declaredLength} (negative if unknown) lets
     * an upload that says it is too large be refused before a byte is written.
     */
    public Path receive(Actor actor, InputStream body, long declaredLength) {
        ImageCatalog.requireAdmin(actor);
        if (declaredLength > maxFileSize) {
            throw ImageException.tooLarge(declaredLength, maxFileSize);
        }
        return writeNew(body, "The upload");
    }

    /** Copies a regular file from an import directory into the incoming area, after the checks of {@link ImportPath}. */
    public Path copyFromServer(Actor actor, String path) {
        ImageCatalog.requireAdmin(actor);
        Path source = ImportPath.check(path, importDirs, maxFileSize);
        try (InputStream in = Files.newInputStream(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return writeNew(in, "Copying " + source);
        } catch (IOException e) {
            throw ImageException.invalid("Cannot read " + source + ": " + e.getMessage());
        }
    }

    /** Removes a file this class wrote, if it is still there (a published one was moved into the store). */
    public void discard(@Nullable Path file) {
        if (file == null || !incoming.equals(file.getParent()) || !file.getFileName().toString().startsWith(PREFIX)) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not remove the incoming file {}: {}", file, e.getMessage());
        }
    }

    private Path writeNew(InputStream in, String what) {
        Path file = incoming.resolve(PREFIX + UUID.randomUUID() + ".part");
        boolean complete = false;
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            byte[] buffer = new byte[BUFFER];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                written += read;
                if (written > maxFileSize) {
                    throw ImageException.tooLarge(written, maxFileSize);
                }
                out.write(buffer, 0, read);
            }
            complete = true;
            return file;
        } catch (IOException e) {
            throw ImageException.interrupted(what, written, e);
        } finally {
            if (!complete) {
                discard(file);
            }
        }
    }

    /** Nothing is in flight while the portal starts: an upload file still here was cut off by a crash. */
    private void removeLeftovers() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming, PREFIX + "*")) {
            for (Path file : files) {
                LOG.info("Removing {}, an upload cut off when the portal last stopped", file.getFileName());
                discard(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + incoming, e);
        }
    }

    /** {@code <data-dir>/import}, created root-only: files get there only by someone with root on the host. */
    private static Path defaultImportDir(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize().resolve("import");
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException | InvalidPathException e) {
            LOG.warn("Cannot create the import directory {}: {}", dir, e.getMessage());
        }
        return dir;
    }
}
