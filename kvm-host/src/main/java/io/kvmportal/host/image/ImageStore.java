package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.OUTSIDE_STORE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The directory of base images. Layout and modes:
 * <ul>
 * <li>{@code <root>/} root-owned 0711: guest accounts may open an image they know the name of (QEMU
 *     reads the base under an overlay) but cannot list the store.</li>
 * <li>{@code <root>/incoming/} root-owned 0700: uploads are written here, and only here are they
 *     admitted from, so nothing but the portal can change a file between inspection and rename.</li>
 * <li>{@code <root>/<uuid>.<qcow2|raw|iso>} root:root 0444: admitted images, never written again.</li>
 * </ul>
 * The store must be one file system, so admitting is an atomic rename, never a copy.
 */
public final class ImageStore {
    private static final String INCOMING = "incoming";

    private final Path root;
    private final Path incoming;
    private final ImageInspector inspector;

    private ImageStore(Path root) {
        this.root = root;
        this.incoming = root.resolve(INCOMING);
        this.inspector = new ImageInspector(root);
    }

    /** Opens the store at {@code root}, creating it and fixing its modes. The directories must be root's. */
    public static ImageStore open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            prepare(absolute, "rwx--x--x");
            prepare(absolute.resolve(INCOMING), "rwx------");
            return new ImageStore(absolute.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open image store " + absolute, e);
        }
    }

    private static void prepare(Path dir, String mode) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (or is a symbolic link)");
        }
        if ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0) {
            throw new IOException(dir + " is not owned by root");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    }

    public Path root() {
        return root;
    }

    /** Where uploads are written before {@link #admit}. */
    public Path incoming() {
        return incoming;
    }

    public ImageInspector inspector() {
        return inspector;
    }

    /**
     * Inspects {@code uploaded} (a file directly in {@link #incoming()}) and, if it is accepted, makes
     * it root:root 0444 and renames it to a generated name. A refused upload stays where it is: the
     * caller deletes it.
     */
    public BaseImage admit(Path uploaded, ImageFormat format, long maxVirtualBytes) {
        Path absolute = uploaded.toAbsolutePath().normalize();
        if (!incoming.equals(absolute.getParent())) {
            throw new ImageRefusedException(OUTSIDE_STORE, absolute + " is not in " + incoming);
        }
        ImageInfo info = inspector.inspect(absolute, format, maxVirtualBytes);
        BaseImage image = new BaseImage(UUID.randomUUID().toString(), format, info.virtualSize(), info.fileSize());
        try {
            Files.setAttribute(absolute, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(absolute, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("r--r--r--"));
            Files.move(absolute, path(image), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot admit " + absolute + " as " + image.fileName(), e);
        }
        return image;
    }

    /** The image's file. */
    public Path path(BaseImage image) {
        return root.resolve(image.fileName());
    }

    /** Deletes the image's file; guests still built on it must be gone first. */
    public boolean remove(BaseImage image) {
        try {
            return Files.deleteIfExists(path(image));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path(image), e);
        }
    }
}
