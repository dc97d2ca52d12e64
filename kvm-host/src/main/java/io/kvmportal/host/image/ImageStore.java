package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.OUTSIDE_STORE;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The directory of base images. Layout and modes:
 * <ul>
 * <li>{@code <root>/} root-owned 0711: guest accounts may open an image they know the name of (QEMU
 *     reads the base under an overlay) but cannot list the store.</li>
 * <li>{@code <root>/incoming/} root-owned 0700: uploads are written here, and only here are they
 *     admitted from, so nothing but the portal can change a file between inspection and rename.</li>
 * <li>{@code <root>/<uuid>.<qcow2|raw|iso>} root:root 0444: admitted images, never written again.</li>
 * <li>{@code <root>/<uuid>.vmlinuz}, {@code <root>/<uuid>.initrd} root:root 0444: the kernel and initrd kept beside
 *     an image that guests boot directly (the demo image), which kvm-host built itself.</li>
 * </ul>
 * The store must be one file system, so admitting is an atomic rename, never a copy.
 */
public final class ImageStore {
    private static final String INCOMING = "incoming";
    static final String KERNEL = "vmlinuz";
    static final String INITRD = "initrd";
    private static final Pattern STORE_NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.[a-z0-9]{1,8}");

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

    /**
     * The store's image of that id, read from its file (a qcow2's virtual size from its header, which qemu-img
     * checked when it was admitted); empty if the store has none. An id that is no lower-case UUID (a path, a
     * name with a directory) is refused before any file is looked at.
     */
    public Optional<BaseImage> find(String id) {
        if (!BaseImage.isId(id)) {
            throw new IllegalArgumentException("image id " + BaseImage.quoted(id) + " is not a lower-case UUID");
        }
        for (ImageFormat format : ImageFormat.values()) {
            Path file = root.resolve(id + "." + format.extension());
            try {
                PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile() && attributes.size() > 0) {
                    long virtual = format == ImageFormat.QCOW2 ? qcow2VirtualSize(file) : attributes.size();
                    return Optional.of(new BaseImage(id, format, virtual, attributes.size()));
                }
            } catch (NoSuchFileException absent) {
                // not of this format: try the next
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read image " + file, e);
            }
        }
        return Optional.empty();
    }

    private static long qcow2VirtualSize(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            long size = Qcow2Header.virtualSize(in.readNBytes(Qcow2Header.FIXED_BYTES));
            if (size <= 0) {
                throw new IOException(file + " has no qcow2 header");
            }
            return size;
        }
    }

    /** The kernel kept beside {@code image} for direct boot (see {@link #keepBootFiles}), there or not. */
    public Path kernel(BaseImage image) {
        return root.resolve(image.id() + "." + KERNEL);
    }

    public Path initrd(BaseImage image) {
        return root.resolve(image.id() + "." + INITRD);
    }

    /** Whether guests can boot {@code image} from a kernel and initrd kept beside it. */
    public boolean bootsFromKernel(BaseImage image) {
        return Files.isRegularFile(kernel(image), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(initrd(image), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Copies a kernel and initrd beside {@code image}, root:root 0444. Not public: only for files kvm-host built
     * itself (the demo image), which are not inspected like uploads; no caller names a host file to copy here.
     */
    void keepBootFiles(BaseImage image, Path kernelFile, Path initrdFile) {
        try {
            for (Path[] copy : new Path[][] {{kernelFile, kernel(image)}, {initrdFile, initrd(image)}}) {
                Files.copy(copy[0], copy[1], StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy[1], PosixFilePermissions.fromString("r--r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the boot files of image " + image.id(), e);
        }
    }

    /** The image's file. */
    public Path path(BaseImage image) {
        return root.resolve(image.fileName());
    }

    /** The image's file, which must be in the store: see {@link #requireFile}. */
    public Path require(BaseImage image) {
        return requireFile(path(image), image.format().extension());
    }

    /**
     * {@code file} if it is one of the store's own: directly in its root, named {@code <uuid>.<extension>} as the
     * store names what it keeps, a regular file (not a link) of root's. A caller that names any other file (a host
     * file, one in incoming, an id the store never gave) is refused, so no path it makes up reaches QEMU.
     */
    public Path requireFile(Path file, String extension) {
        String name = file == null || file.getFileName() == null ? "" : file.getFileName().toString();
        if (file == null || !file.isAbsolute() || !root.equals(file.getParent()) || !STORE_NAME.matcher(name).matches()
                || !name.endsWith("." + extension)) {
            throw new ImageRefusedException(OUTSIDE_STORE, quoted(file) + " is not a ." + extension + " file of the"
                    + " image store " + root);
        }
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isRegularFile() && (Integer) Files.getAttribute(file, "unix:uid",
                    LinkOption.NOFOLLOW_LINKS) == 0) {
                return file;
            }
        } catch (IOException e) {
            throw new ImageRefusedException(OUTSIDE_STORE, "no image " + name + " in the store (" + e.getMessage()
                    + ")");
        }
        throw new ImageRefusedException(OUTSIDE_STORE, name + " in the store is not a regular file of root's");
    }

    // The path came from the caller: it may hold control characters or be huge.
    private static String quoted(Path file) {
        String text = String.valueOf(file);
        return "\"" + (text.length() > 120 ? text.substring(0, 120) + "..." : text).replaceAll("\\p{Cntrl}", "?")
                + "\"";
    }

    /** Deletes the image's file and its boot files; guests still built on it must be gone first. */
    public boolean remove(BaseImage image) {
        try {
            Files.deleteIfExists(kernel(image));
            Files.deleteIfExists(initrd(image));
            return Files.deleteIfExists(path(image));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path(image), e);
        }
    }
}
