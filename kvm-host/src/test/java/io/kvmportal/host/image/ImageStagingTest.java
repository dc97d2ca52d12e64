package io.kvmportal.host.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Uploads staged by id: the limit, the file's owner and mode, nothing left on failure, leftovers, consumption. */
class ImageStagingTest {
    private Path top;
    private ImageStore store;
    private ImageStaging staging;

    @BeforeEach
    void createStore() throws IOException {
        top = TestNames.tempDirectory();
        store = ImageStore.open(top.resolve("store"));
        staging = new ImageStaging(store);
    }

    @AfterEach
    void deleteStore() throws IOException {
        TestNames.deleteTree(top);
    }

    @Test
    void anUploadOfExactlyTheLimitIsStagedRootOnly() throws IOException {
        ImageStaging.Staged staged = staging.stage(new ByteArrayInputStream(new byte[100_000]), 100_000);

        assertEquals(100_000, staged.bytes());
        Path file = store.incoming().resolve("upload-" + staged.id() + ".part");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, Files.getAttribute(file, "unix:uid"));
        assertEquals(100_000, Files.size(file));
    }

    @Test
    void oneByteOverTheLimitIsRefusedAndNothingIsKept() throws IOException {
        UploadTooLargeException refused = assertThrows(UploadTooLargeException.class,
                () -> staging.stage(new ByteArrayInputStream(new byte[100_001]), 100_000));

        assertTrue(refused.getMessage().contains("100000 bytes allowed"), refused.getMessage());
        assertEquals(List.of(), list(store.incoming()));
    }

    @Test
    void anUploadThatBreaksOffLeavesNothing() throws IOException {
        InputStream breaking = new InputStream() {
            private int left = 200_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };
        assertThrows(UncheckedIOException.class, () -> staging.stage(breaking, 1L << 20));

        assertEquals(List.of(), list(store.incoming()));
    }

    @Test
    void limitsThatAreNoSizeAreRefused() {
        for (long limit : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, ImageStaging.MAX_LIMIT + 1}) {
            assertThrows(IllegalArgumentException.class,
                    () -> staging.stage(new ByteArrayInputStream(new byte[1]), limit), Long.toString(limit));
        }
    }

    @Test
    void admittingConsumesTheStagedFileRefusedOrNot() throws IOException {
        Path qcow2 = TestImages.qcow2(top.resolve("made.qcow2"), 1 << 20);
        ImageStaging.Staged good = staging.stage(Files.newInputStream(qcow2), 1 << 30);
        ImageStaging.Staged wrong = staging.stage(Files.newInputStream(qcow2), 1 << 30);

        BaseImage image = staging.admit(good.id(), ImageFormat.QCOW2, 1L << 30);
        assertThrows(ImageRefusedException.class, () -> staging.admit(wrong.id(), ImageFormat.RAW, 1L << 30));

        assertEquals(List.of(), list(store.incoming()));
        assertEquals(image, store.find(image.id()).orElseThrow(), "found again by its id, with its sizes");
        assertThrows(UnknownImageException.class, () -> staging.admit(good.id(), ImageFormat.QCOW2, 1L << 30));
        staging.discard(good.id());
    }

    @Test
    void leftoversOfACrashAreRemovedAndOtherFilesKept() throws IOException {
        Path leftover = Files.writeString(store.incoming().resolve("upload-" + java.util.UUID.randomUUID()
                + ".part"), "cut off");
        Path other = Files.writeString(store.incoming().resolve("keep.txt"), "not an upload");

        staging.removeLeftovers();

        assertFalse(Files.exists(leftover));
        assertTrue(Files.exists(other));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
