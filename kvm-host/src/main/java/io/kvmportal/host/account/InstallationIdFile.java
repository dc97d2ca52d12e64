package io.kvmportal.host.account;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a data directory's {@link InstallationId} in one file: 32 hex digits and a newline, root:root 0644.
 * Readable by all on purpose: the id is no secret, every account carrying it shows it in the world-readable
 * /etc/passwd; what matters is that only root can change it, since whoever can would choose which accounts the
 * portal removes. Created once, on first use; afterwards only read. A file that is not exactly that (corrupt,
 * unreadable, not root's) stops the portal: a fresh id would orphan every account the old one marked.
 */
public final class InstallationIdFile {
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");
    /** Room for the id, its newline and a little more, so a longer file is seen as such. */
    private static final int MAX_READ = 64;

    private InstallationIdFile() {
    }

    /** The id kept in {@code file}, which is created with a new id first if it does not exist. */
    public static InstallationId loadOrCreate(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            create(file);
        }
        return read(file);
    }

    /**
     * Written under a temporary name and linked into place, so nobody ever reads a half-written id, and of two
     * portals starting at once on one data directory the second finds the first one's id.
     */
    private static void create(Path file) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".installation-id-", ".tmp");
            Files.setPosixFilePermissions(temporary, MODE);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((InstallationId.random() + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException createdMeanwhile) {
            // Another portal process won: its id is the one.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the installation id file " + file, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private static InstallationId read(Path file) {
        String content;
        try {
            refuseUnlessRootOnly(file,
                    Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                content = new String(in.readNBytes(MAX_READ), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the installation id file " + file + ": " + e, e);
        }
        Optional<InstallationId> id = content.endsWith("\n")
                ? InstallationId.parse(content.substring(0, content.length() - 1)) : Optional.empty();
        return id.orElseThrow(() -> new IllegalStateException("the installation id file " + file + " is corrupt:"
                + " expected 32 hex digits and a newline; restore it (the accounts this portal created carry the id:"
                + " getent passwd | grep 'kvm-portal ')"));
    }

    private static void refuseUnlessRootOnly(Path file, PosixFileAttributes attributes) throws IOException {
        Set<PosixFilePermission> mode = attributes.permissions();
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile() || owner != 0
                || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("the installation id file " + file + " is refused: it must be a regular"
                    + " file owned by root and writable by root only");
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // A stray temporary file is harmless: it is never read.
        }
    }
}
