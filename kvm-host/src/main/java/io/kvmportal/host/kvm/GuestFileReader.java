package io.kvmportal.host.kvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Reads, as root, a file in a directory that a guest's account controls (such as QEMU's serial log). After a QEMU
 * escape that account could put anything there: a link to /etc/shadow, a FIFO that blocks its reader, a hard link.
 * So the file is opened without following a final link and without blocking, and only then, by what was opened
 * (its /proc/self/fd entry), checked to be a regular file of that account with one link; only then is it read.
 */
public final class GuestFileReader {

    private GuestFileReader() {
    }

    /** Part of a growing file: {@code bytes} start at {@code offset}; the file had {@code size} bytes. */
    public record Chunk(long offset, long size, byte[] bytes) {
        public long next() {
            return offset + bytes.length;
        }
    }

    /**
     * Up to {@code maxBytes} from {@code from} on; a negative {@code from}, or one past the end (the file was
     * started afresh), reads the last {@code maxBytes} instead.
     */
    public static Chunk read(Path file, String ownerAccount, long from, int maxBytes) {
        int fd;
        try {
            fd = Posix.openReadOnlyNoFollow(file.toString());
        } catch (NativeCallException e) {
            throw new IllegalStateException("Cannot open " + file.getFileName() + ": " + e.getMessage(), e);
        }
        try {
            Path opened = Path.of("/proc/self/fd/" + fd);
            PosixFileAttributes attributes = Files.readAttributes(opened, PosixFileAttributes.class);
            Object links = Files.getAttribute(opened, "unix:nlink");
            if (!attributes.isRegularFile() || !ownerAccount.equals(attributes.owner().getName())
                    || !Integer.valueOf(1).equals(links)) {
                throw new IllegalStateException(file.getFileName() + " is not a plain file of " + ownerAccount
                        + "; not reading it.");
            }
            // The /proc/self/fd entry re-opens exactly the inode checked above, now known to be a regular file.
            try (FileChannel channel = FileChannel.open(opened, StandardOpenOption.READ)) {
                long size = channel.size();
                long start = from < 0 || from > size ? Math.max(0, size - maxBytes) : from;
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, size - start));
                while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                    // read on until full or the end
                }
                byte[] bytes = new byte[buffer.position()];
                buffer.flip().get(bytes);
                return new Chunk(start, size, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file.getFileName(), e);
        } finally {
            Posix.close(fd);
        }
    }
}
