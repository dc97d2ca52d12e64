package io.kvmportal.host.kvm;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * A log file that root opens for a guest's process to append to, in a directory the guest's account controls (QEMU's
 * qemu.log). Whatever the account planted under that name (a link to /etc/shadow, a FIFO, a hard link) must not make
 * root write to, chown or block on a host file. So a name that is not a regular file is unlinked (never followed), the
 * file is opened without following a final link, and only what was opened, checked through its /proc/self/fd entry to
 * be a regular file with one link of the account (or of root, who just made it), is given to the account and used.
 */
public final class GuestLogFile implements AutoCloseable {
    private final int fd;

    private GuestLogFile(int fd) {
        this.fd = fd;
    }

    /** Opens (making it if need be) {@code file} to append to, owned by {@code uid}:{@code gid} once open. */
    public static GuestLogFile openForAppend(Path file, int uid, int gid) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(file);
        }
        try {
            Files.createFile(file); // O_CREAT|O_EXCL: a link planted meanwhile makes it fail, never followed
        } catch (FileAlreadyExistsException kept) {
            // The log of earlier runs: appended to, once checked below.
        }
        int fd;
        try {
            fd = Posix.openAppendNoFollow(file.toString());
        } catch (NativeCallException e) {
            throw new IOException("cannot open " + file.getFileName() + ": " + e.getMessage(), e);
        }
        GuestLogFile log = new GuestLogFile(fd);
        try {
            Path opened = log.path();
            PosixFileAttributes attributes = Files.readAttributes(opened, PosixFileAttributes.class);
            int owner = (Integer) Files.getAttribute(opened, "unix:uid");
            if (!attributes.isRegularFile() || !Integer.valueOf(1).equals(Files.getAttribute(opened, "unix:nlink"))
                    || owner != uid && owner != 0) {
                throw new IOException(file.getFileName() + " is not a plain file of uid " + uid + "; not using it");
            }
            // Through the /proc/self/fd entry: the chown reaches exactly the inode checked above.
            Files.setAttribute(opened, "unix:gid", gid);
            Files.setAttribute(opened, "unix:uid", uid);
            return log;
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** A name for exactly the opened file, for as long as this is open: opening it again reaches the same inode. */
    public Path path() {
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
