package io.kvmportal.image;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.agentlink.AgentFaults;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an image's bytes to the host agent, which stages them under an id it chose and inspects them there: from
 * an upload, or from a file of an import directory that the portal reads itself (never moved: the admin's file
 * stays theirs). Nothing is held in memory, at most the configured size is sent, and a transfer that fails for any
 * reason leaves nothing staged (the agent removes a partial file; uploads cut off by a crash go at its start).
 */
@Context
public class ImageUploads {
    private static final Logger LOG = LoggerFactory.getLogger(ImageUploads.class);
    private final HostAgent agent;
    private final long maxFileSize;
    private final List<Path> importDirs;

    ImageUploads(HostAgent agent, ImageConfiguration configuration,
                 @Property(name = "portal.data-dir") String dataDir) {
        this.agent = agent;
        this.maxFileSize = configuration.getMaxFileSize();
        this.importDirs = configuration.getImportDirs().isEmpty()
                ? List.of(defaultImportDir(Path.of(dataDir)))
                : configuration.getImportDirs().stream().map(dir -> Path.of(dir).toAbsolutePath().normalize()).toList();
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    /** The directories an admin may publish files from by path. */
    public List<Path> importDirs() {
        return importDirs;
    }

    /**
     * Streams {@code body} to the agent's staging area. {@code declaredLength} (negative if unknown) lets an upload
     * that says it is too large be refused before a byte is sent.
     */
    public StagedImage receive(Actor actor, InputStream body, long declaredLength) {
        ImageCatalog.requireAdmin(actor);
        if (declaredLength > maxFileSize) {
            throw ImageException.tooLarge(declaredLength, maxFileSize);
        }
        return stage(body, "The upload");
    }

    /** Streams a regular file of an import directory to the agent, after the checks of {@link ImportPath}. */
    public StagedImage copyFromServer(Actor actor, String path) {
        ImageCatalog.requireAdmin(actor);
        Path source = ImportPath.check(path, importDirs, maxFileSize);
        try (InputStream in = Files.newInputStream(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return stage(in, "Copying " + source);
        } catch (IOException e) {
            throw ImageException.invalid("Cannot read " + source + ": " + e.getMessage());
        }
    }

    /** Has the agent drop a staged upload that will not be published; nothing if it is gone already. */
    public void discard(@Nullable StagedImage staged) {
        if (staged == null) {
            return;
        }
        try {
            agent.discardStaged(staged.stagingId());
        } catch (RuntimeException e) {
            LOG.warn("Could not discard the staged upload {}: {}", staged.stagingId(), e.getMessage());
        }
    }

    /**
     * The bytes pass through a {@link LimitedStream}, so that the portal tells a body over the limit and a client
     * that went away apart by what it saw itself, in the same words whatever the agent says of its side.
     */
    private StagedImage stage(InputStream in, String what) {
        LimitedStream limited = new LimitedStream(in, maxFileSize);
        try {
            return agent.stageImage(limited, maxFileSize);
        } catch (RuntimeException e) {
            if (limited.overLimit()) {
                throw ImageException.tooLarge(limited.count(), maxFileSize);
            }
            if (limited.failure() != null) {
                throw ImageException.interrupted(what, limited.count(), limited.failure());
            }
            if (e instanceof HostUnreachableException unreachable) {
                throw AgentFaults.unreachable(unreachable);
            }
            if (e instanceof HostRefusedException refused && refused.kind() == RefusalKind.TOO_LARGE) {
                throw ImageException.tooLarge(limited.count(), maxFileSize);
            }
            throw new ImageException(e instanceof HostRefusedException refused ? AgentFaults.fault(refused)
                    : Fault.HOST_FAILED, "Could not receive the image: " + e.getMessage());
        }
    }

    /** {@code <data-dir>/import}, made private to the portal's account: files get there only by an administrator. */
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
