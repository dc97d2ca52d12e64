package io.kvmportal.host.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The header fields read without qemu-img: a real overlay's, and offsets a hostile account could write. */
class Qcow2HeaderTest {

    @Test
    void anOverlayNamesItsBackingFileAndSize() throws IOException {
        Path dir = TestNames.tempDirectory();
        try {
            Path base = TestImages.qcow2(dir.resolve("base.qcow2"), 1 << 20);
            Path overlay = TestImages.qcow2(dir.resolve("overlay.qcow2"), 2 << 20, "-b", base.toString(), "-F", "qcow2");
            byte[] head = Arrays.copyOf(Files.readAllBytes(overlay), 4096);

            assertEquals(Optional.of(base.toString()), Qcow2Header.backingFile(head));
            assertEquals(2 << 20, Qcow2Header.virtualSize(head));
            assertEquals(Optional.empty(), Qcow2Header.backingFile(Arrays.copyOf(Files.readAllBytes(base), 4096)));
        } finally {
            TestNames.deleteTree(dir);
        }
    }

    @Test
    void offsetsOutsideTheBytesReadOrNoHeaderNameNoFile() {
        assertEquals(Optional.empty(), Qcow2Header.backingFile(header(4000, 200)));
        assertEquals(Optional.empty(), Qcow2Header.backingFile(header(Long.MAX_VALUE, 10)));
        assertEquals(Optional.empty(), Qcow2Header.backingFile(header(-8, 10)));
        assertEquals(Optional.empty(), Qcow2Header.backingFile(header(64, -1)));
        assertEquals(Optional.empty(), Qcow2Header.backingFile(new byte[4096]));
        assertEquals(Optional.empty(), Qcow2Header.backingFile(new byte[3]));
        assertEquals(-1, Qcow2Header.virtualSize(new byte[10]));
    }

    private static byte[] header(long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        buffer.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(3).putLong(offset).putInt(length);
        return buffer.array();
    }
}
