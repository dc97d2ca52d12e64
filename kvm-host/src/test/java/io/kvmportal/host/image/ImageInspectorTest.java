package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.BACKING_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.DAMAGED;
import static io.kvmportal.host.image.ImageRefusedException.Reason.DATA_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.ENCRYPTED;
import static io.kvmportal.host.image.ImageRefusedException.Reason.FORMAT_MISMATCH;
import static io.kvmportal.host.image.ImageRefusedException.Reason.INVALID;
import static io.kvmportal.host.image.ImageRefusedException.Reason.NOT_REGULAR_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.OUTSIDE_STORE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.TOO_LARGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;

/** Real qemu-img on images made for each case; the store lives in a /tmp/kvmptest-* directory. */
class ImageInspectorTest {
    private static final Logger LOG = LoggerFactory.getLogger(ImageInspectorTest.class);
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** qcow2 header: l1_table_offset is the big-endian 64-bit field at byte 40. */
    private static final long L1_TABLE_OFFSET_FIELD = 40;
    /** An L1 or L2 entry: bit 63 "copied" (refcount 1), bits 9-55 the offset. */
    private static final long COPIED = 1L << 63;
    private static final long L2_OFFSET_MASK = 0x00ff_ffff_ffff_fe00L;

    private Path top;
    private Path incoming;
    private ImageInspector inspector;

    @BeforeEach
    void createStore() throws IOException {
        top = TestNames.tempDirectory();
        ImageStore store = ImageStore.open(top.resolve("store"));
        incoming = store.incoming();
        inspector = store.inspector();
    }

    @AfterEach
    void deleteStore() throws IOException {
        TestNames.deleteTree(top);
    }

    @Test
    void acceptsAQcow2AndReportsItsSizes() {
        Path image = TestImages.qcow2(incoming.resolve("good.qcow2"), 64 * MIB);

        long started = System.nanoTime();
        ImageInfo info = inspector.inspect(image, ImageFormat.QCOW2, GIB);
        LOG.info("inspect qcow2 took {} ms", (System.nanoTime() - started) / 1_000_000);

        assertEquals(ImageFormat.QCOW2, info.format());
        assertEquals(64 * MIB, info.virtualSize());
        assertTrue(info.fileSize() > 0 && info.fileSize() < MIB, "file size " + info.fileSize());
    }

    @Test
    void acceptsARawImage() throws IOException {
        ImageInfo info = inspector.inspect(TestImages.raw(incoming.resolve("good.raw"), 8 * MIB), ImageFormat.RAW, GIB);

        assertEquals(new ImageInfo(ImageFormat.RAW, 8 * MIB, 8 * MIB), info);
    }

    @Test
    void acceptsAnIsoWithItsVolumeDescriptorAndRefusesOneWithout() throws IOException {
        ImageInfo info = inspector.inspect(TestImages.iso(incoming.resolve("good.iso"), 4 * MIB), ImageFormat.ISO, GIB);
        assertEquals(new ImageInfo(ImageFormat.ISO, 4 * MIB, 4 * MIB), info);

        Path plain = TestImages.raw(incoming.resolve("plain.iso"), 4 * MIB);
        assertRefused(FORMAT_MISMATCH, plain, ImageFormat.ISO, GIB);
        Path tiny = TestImages.raw(incoming.resolve("tiny.iso"), 32769);
        assertRefused(FORMAT_MISMATCH, tiny, ImageFormat.ISO, GIB);
    }

    @Test
    void refusesAQcow2WhoseBackingFileIsEtcPasswd() {
        Path image = TestImages.qcow2(incoming.resolve("backed.qcow2"), MIB, "-b", "/etc/passwd", "-F", "raw");

        assertRefused(BACKING_FILE, image, ImageFormat.QCOW2, GIB);
    }

    @Test
    void refusesAQcow2WithAnExternalDataFile() {
        Path data = incoming.resolve("data.raw");
        Path image = TestImages.qcow2(incoming.resolve("external.qcow2"), MIB, "-o", "data_file=" + data);

        assertRefused(DATA_FILE, image, ImageFormat.QCOW2, GIB);
    }

    @Test
    void refusesAnEncryptedQcow2() {
        Path image = TestImages.encryptedQcow2(incoming.resolve("secret.qcow2"), MIB);

        assertRefused(ENCRYPTED, image, ImageFormat.QCOW2, GIB);
    }

    @Test
    void refusesARawFileClaimedAsQcow2AndAQcow2ClaimedAsRaw() throws IOException {
        assertRefused(FORMAT_MISMATCH, TestImages.raw(incoming.resolve("raw.qcow2"), MIB), ImageFormat.QCOW2, GIB);
        assertRefused(FORMAT_MISMATCH, TestImages.qcow2(incoming.resolve("q.raw"), MIB), ImageFormat.RAW, GIB);
        assertRefused(FORMAT_MISMATCH, TestImages.qcow2(incoming.resolve("q.iso"), MIB), ImageFormat.ISO, GIB);
    }

    @Test
    void refusesAnImageOverTheSizeLimit() throws IOException {
        Path image = TestImages.qcow2(incoming.resolve("big.qcow2"), 2 * GIB);

        ImageRefusedException e = assertRefused(TOO_LARGE, image, ImageFormat.QCOW2, GIB);
        assertEquals("big.qcow2: virtual size 2147483648 bytes is over the limit of 1073741824", e.getMessage());
        assertRefused(TOO_LARGE, TestImages.raw(incoming.resolve("big.raw"), GIB + 1), ImageFormat.RAW, GIB);
    }

    @Test
    void refusesPathsOutsideTheStore() {
        Path outside = TestImages.qcow2(top.resolve("outside.qcow2"), MIB);

        assertRefused(OUTSIDE_STORE, outside, ImageFormat.QCOW2, GIB);
        assertRefused(OUTSIDE_STORE, Path.of("/etc/passwd"), ImageFormat.RAW, GIB);
        assertRefused(OUTSIDE_STORE, incoming.resolve("../../outside.qcow2"), ImageFormat.QCOW2, GIB);
    }

    @Test
    void refusesSymlinksDirectoriesAndHardLinks() throws IOException {
        Path outside = TestImages.qcow2(top.resolve("outside.qcow2"), MIB);
        Path inside = TestImages.qcow2(incoming.resolve("inside.qcow2"), MIB);

        assertRefused(NOT_REGULAR_FILE, Files.createSymbolicLink(incoming.resolve("out.qcow2"), outside), ImageFormat.QCOW2, GIB);
        assertRefused(NOT_REGULAR_FILE, Files.createSymbolicLink(incoming.resolve("in.qcow2"), inside), ImageFormat.QCOW2, GIB);
        assertRefused(NOT_REGULAR_FILE, Files.createDirectory(incoming.resolve("dir.raw")), ImageFormat.RAW, GIB);
        Files.createLink(incoming.resolve("second-name.qcow2"), inside);
        assertRefused(NOT_REGULAR_FILE, inside, ImageFormat.QCOW2, GIB);
    }

    @Test
    void refusesEmptyAndDamagedFiles() throws IOException {
        assertRefused(INVALID, Files.createFile(incoming.resolve("empty.raw")), ImageFormat.RAW, GIB);
        Path damaged = Files.write(incoming.resolve("damaged.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xfb, 'x', 'y', 'z'});
        ImageRefusedException e = assertRefused(INVALID, damaged, ImageFormat.QCOW2, GIB);
        assertTrue(e.getMessage().contains("qemu-img info exit 1"), e.getMessage());
    }

    /** What was published once: the first 300 bytes of a qcow2, a header whose tables lie past the end. */
    @Test
    void refusesAQcow2CutToItsFirst300BytesWithTheChecksReason() throws IOException {
        Path cut = cutCopy(qcow2WithData("whole.qcow2"), "cut.qcow2", 300);

        ImageRefusedException e = assertRefused(DAMAGED, cut, ImageFormat.QCOW2, GIB);
        assertTrue(e.getMessage().startsWith("cut.qcow2: qemu-img check found 3 corruptions, the first: ERROR:"
                + " counting reference for region exceeding the end of the file"), e.getMessage());
    }

    @Test
    void refusesAQcow2CutInTheMiddleOfItsData() throws IOException {
        Path whole = qcow2WithData("whole.qcow2");
        Path cut = cutCopy(whole, "half.qcow2", Files.size(whole) / 2);

        ImageRefusedException e = assertRefused(DAMAGED, cut, ImageFormat.QCOW2, GIB);
        assertTrue(e.getMessage().contains("qemu-img check found"), e.getMessage());
    }

    /** An L1 entry that points at an L2 table 1 TiB into a 4 MiB file. */
    @Test
    void refusesAQcow2WhoseTablePointsOutsideTheFile() throws IOException {
        Path image = qcow2WithData("astray.qcow2");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(L1_TABLE_OFFSET_FIELD);
            file.seek(file.readLong());
            file.writeLong(COPIED | (1L << 40));
        }

        ImageRefusedException e = assertRefused(DAMAGED, image, ImageFormat.QCOW2, GIB);
        assertTrue(e.getMessage().contains("offset 0x10000000000"), e.getMessage());
    }

    /** A cluster counted as used that no table refers to wastes space and nothing else: accepted. */
    @Test
    void acceptsAQcow2WithALeakedCluster() throws IOException {
        Path image = qcow2WithData("leaky.qcow2");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(L1_TABLE_OFFSET_FIELD);
            file.seek(file.readLong());
            file.seek(file.readLong() & L2_OFFSET_MASK);
            file.writeLong(0); // the first guest cluster is no longer mapped, but still counted
        }
        String check = Command.run(List.of("qemu-img", "check", "-f", "qcow2", image.toString()), TIMEOUT).output();
        assertTrue(check.contains("1 leaked clusters were found"), check);

        assertEquals(4 * MIB, inspector.inspect(image, ImageFormat.QCOW2, GIB).virtualSize());
    }

    /** 4 MiB of random bytes (so every cluster is allocated) converted to a qcow2 in the incoming area. */
    private Path qcow2WithData(String name) throws IOException {
        byte[] bytes = new byte[(int) (4 * MIB)];
        new Random(42).nextBytes(bytes);
        Path raw = Files.write(top.resolve(name + ".raw"), bytes);
        Path image = incoming.resolve(name);
        Command.runChecked(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                image.toString()), TIMEOUT);
        Files.delete(raw);
        return image;
    }

    private Path cutCopy(Path whole, String name, long length) throws IOException {
        byte[] head = new byte[(int) length];
        ByteBuffer.wrap(Files.readAllBytes(whole)).get(head);
        return Files.write(incoming.resolve(name), head);
    }

    @Test
    void refusesATextFileClaimedAsARawDisk() throws IOException {
        Path text = Files.writeString(incoming.resolve("notes.raw"), "not a disk, just some notes\n".repeat(100));

        ImageRefusedException e = assertRefused(INVALID, text, ImageFormat.RAW, GIB);
        assertEquals("notes.raw: 2800 bytes is not a whole number of 512-byte sectors, so not a raw disk", e.getMessage());
    }

    @Test
    void unknownFormatNamesAreRefused() {
        ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> ImageFormat.parse("vmdk"));
        assertEquals(ImageRefusedException.Reason.UNKNOWN_FORMAT, e.reason());
        assertEquals(ImageFormat.ISO, ImageFormat.parse("ISO"));
    }

    private ImageRefusedException assertRefused(ImageRefusedException.Reason reason, Path file, ImageFormat claimed, long max) {
        ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> inspector.inspect(file, claimed, max));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }
}
