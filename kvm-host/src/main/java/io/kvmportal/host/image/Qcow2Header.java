package io.kvmportal.host.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The few fields of a qcow2 header kvm-host reads itself, without a qemu-img process: the virtual size of an image
 * the store admitted (qemu-img checked it then), and the backing file an overlay names (a guest's disk, written by
 * its account: every offset is checked against the bytes at hand). Big-endian, as the qcow2 specification has it.
 */
final class Qcow2Header {
    /** magic, version, backing file offset (8), its length (4), cluster bits (4), virtual size (8). */
    static final int FIXED_BYTES = 32;
    private static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    private static final int MAX_BACKING_NAME = 1023;

    private Qcow2Header() {
    }

    static boolean isQcow2(byte[] head) {
        return head.length >= FIXED_BYTES && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** The virtual size; -1 if {@code head} is no qcow2 header. */
    static long virtualSize(byte[] head) {
        return isQcow2(head) ? ByteBuffer.wrap(head).getLong(24) : -1;
    }

    /** The backing file's name as the header stores it; empty if none, or if it lies outside {@code head}. */
    static Optional<String> backingFile(byte[] head) {
        if (!isQcow2(head)) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(head);
        long offset = buffer.getLong(8);
        int length = buffer.getInt(16);
        // offset > length - ... rather than offset + length > ...: an offset near Long.MAX_VALUE must not wrap.
        if (offset <= 0 || length <= 0 || length > MAX_BACKING_NAME || offset > head.length - length) {
            return Optional.empty();
        }
        return Optional.of(new String(head, (int) offset, length, StandardCharsets.UTF_8));
    }
}
