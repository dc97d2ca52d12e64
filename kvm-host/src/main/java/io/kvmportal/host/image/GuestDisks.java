package io.kvmportal.host.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.GuestFileReader;

/**
 * Creates and deletes guests' disks in their run directories.
 *
 * <p>The run directory belongs to the guest's account, which may plant anything in it, for example a
 * symlink named {@code disk.qcow2} pointing at /etc/shadow. So root only creates the directory (in a
 * parent only root may write, so the name cannot be swapped) and unlinks the disk; everything that
 * opens a path inside it (qemu-img create, chmod, the emptying on delete) runs as the account through
 * setpriv, where a planted symlink reaches nothing the account could not reach anyway.
 */
public final class GuestDisks {
    public static final String DISK = "disk.qcow2";
    /**
     * 1 PiB: beyond any quota, and below qcow2's limit with its default 64 KiB clusters (2 PiB), so a size that
     * passes never makes qemu-img fail after the guest's directory exists.
     */
    public static final long MAX_DISK_BYTES = 1L << 50;
    /** qemu-img writes an overlay's backing file name right after the header, well inside this. */
    private static final int HEADER_BYTES = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final ImageStore store;

    public GuestDisks(ImageStore store) {
        this.store = store;
    }

    /** A qcow2 overlay on {@code base}, of {@code sizeBytes} (at least the base's size). */
    public GuestDisk createOverlay(BaseImage base, Path guestDir, LinuxAccount owner, long sizeBytes) {
        if (base.format() == ImageFormat.ISO) {
            throw new IllegalArgumentException("image " + base.id() + " is an ISO: install media, not a base for a disk");
        }
        checkSize(sizeBytes);
        if (sizeBytes < base.virtualSize()) {
            throw new IllegalArgumentException("disk size " + sizeBytes + " is below the base image's " + base.virtualSize());
        }
        Path backing = store.require(base);
        Path disk = prepare(guestDir, owner);
        asOwner(owner, "/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", "-F", base.format().qemuName(),
                "-b", backing.toString(), disk.toString(), Long.toString(sizeBytes));
        asOwner(owner, "/usr/bin/chmod", "0600", "--", disk.toString());
        return new GuestDisk(disk, sizeBytes, Optional.of(base.id()));
    }

    /** An empty qcow2 disk of {@code sizeBytes}, for a guest installed from an ISO. */
    public GuestDisk createEmpty(Path guestDir, LinuxAccount owner, long sizeBytes) {
        checkSize(sizeBytes);
        Path disk = prepare(guestDir, owner);
        asOwner(owner, "/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), Long.toString(sizeBytes));
        asOwner(owner, "/usr/bin/chmod", "0600", "--", disk.toString());
        return new GuestDisk(disk, sizeBytes, Optional.empty());
    }

    /**
     * The guest directories under {@code guestsRoot} whose disk is an overlay on {@code base}: read from each disk's
     * qcow2 header (the backing file's name is in its first kilobytes), not by a qemu-img process per guest. The
     * disk is the account's file, so it is read as the account's plain file only (no link, no FIFO); one that cannot
     * be read so counts as no overlay on {@code base}.
     */
    public List<Path> overlaysOn(BaseImage base, Path guestsRoot) {
        String backing = store.path(base).toString();
        List<Path> users = new ArrayList<>();
        if (!Files.isDirectory(guestsRoot, LinkOption.NOFOLLOW_LINKS)) {
            return users;
        }
        try (DirectoryStream<Path> guests = Files.newDirectoryStream(guestsRoot)) {
            for (Path dir : guests) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && backing.equals(backingOf(dir).orElse(null))) {
                    users.add(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + guestsRoot, e);
        }
        return users;
    }

    private static Optional<String> backingOf(Path guestDir) {
        Path disk = guestDir.resolve(DISK);
        try {
            if (!Files.exists(disk, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            String owner = Files.getOwner(guestDir, LinkOption.NOFOLLOW_LINKS).getName();
            return Qcow2Header.backingFile(GuestFileReader.read(disk, owner, 0, HEADER_BYTES).bytes());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** Refuses a size no disk can have, before anything is made for it. */
    public static void checkSize(long sizeBytes) {
        if (sizeBytes <= 0 || sizeBytes > MAX_DISK_BYTES) {
            throw new IllegalArgumentException("disk size " + sizeBytes + " is not between 1 and " + MAX_DISK_BYTES
                    + " bytes");
        }
    }

    /** Unlinks the guest's disk (never follows a symlink). Returns false if there was none. */
    public boolean deleteDisk(Path guestDir) {
        try {
            return Files.deleteIfExists(guestDir.toAbsolutePath().normalize().resolve(DISK));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the disk in " + guestDir, e);
        }
    }

    /** Empties the run directory as its owner, then removes the directory itself. */
    public void deleteGuestDirectory(Path guestDir, LinuxAccount owner) {
        Path dir = guestDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        asOwner(owner, "/usr/bin/find", dir.toString(), "-mindepth", "1", "-delete");
        try {
            Files.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    /**
     * Makes sure the run directory exists, is the owner's, 0700, in a parent only root writes, and
     * holds no disk yet. Returns the disk's path.
     */
    private static Path prepare(Path guestDir, LinuxAccount owner) {
        Path dir = guestDir.toAbsolutePath().normalize();
        try {
            checkParent(dir.getParent());
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
                Files.setAttribute(dir, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner.uid()) {
                throw new IllegalStateException(dir + " is not a directory of " + owner.name());
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path disk = dir.resolve(DISK);
            if (Files.exists(disk, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException(disk + " already exists");
            }
            return disk;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    private static void checkParent(Path parent) throws IOException {
        if (parent == null || !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)
                || !parent.equals(parent.toRealPath())
                || (Integer) Files.getAttribute(parent, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0
                || Files.getPosixFilePermissions(parent, LinkOption.NOFOLLOW_LINKS).stream().anyMatch(OTHERS_WRITE::contains)) {
            throw new IllegalStateException("guest directories must be in a real, root-owned directory only root writes: " + parent);
        }
    }

    private static void asOwner(LinuxAccount owner, String... argv) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + owner.uid(), "--regid=" + owner.gid(),
                "--clear-groups", "--no-new-privs", "--"));
        command.addAll(List.of(argv));
        Command.runChecked(command, TIMEOUT);
    }
}
