package io.kvmportal.host.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;

class ImageStoreTest {
    private static final long GIB = 1L << 30;

    private Path top;
    private ImageStore store;

    @BeforeEach
    void createStore() throws IOException {
        top = TestNames.tempDirectory();
        store = ImageStore.open(top.resolve("store"));
    }

    @AfterEach
    void deleteStore() throws IOException {
        TestNames.deleteTree(top);
    }

    @Test
    void storeIsTraversableButNotListableAndIncomingIsRootOnly() throws IOException {
        assertEquals("rwx--x--x", mode(store.root()));
        assertEquals("rwx------", mode(store.incoming()));
        assertEquals(0, Files.getAttribute(store.root(), "unix:uid"));
    }

    @Test
    void admitRenamesToAGeneratedReadOnlyRootFile() throws IOException {
        Path upload = TestImages.qcow2(store.incoming().resolve("my image; rm -rf.qcow2"), 32L << 20);

        BaseImage image = store.admit(upload, ImageFormat.QCOW2, GIB);

        Path stored = store.path(image);
        assertEquals(store.root().resolve(image.id() + ".qcow2"), stored);
        assertEquals(ImageFormat.QCOW2, image.format());
        assertEquals(32L << 20, image.virtualSize());
        assertEquals(Files.size(stored), image.fileSize());
        assertEquals("r--r--r--", mode(stored));
        assertEquals(0, Files.getAttribute(stored, "unix:uid"));
        assertEquals(0, Files.getAttribute(stored, "unix:gid"));
        assertFalse(Files.exists(upload));
        assertEquals(List.of(), list(store.incoming()));
        assertTrue(store.remove(image));
        assertFalse(Files.exists(stored));
    }

    @Test
    void aRefusedUploadStaysInIncoming() {
        Path upload = TestImages.qcow2(store.incoming().resolve("backed.qcow2"), 1 << 20, "-b", "/etc/passwd", "-F", "raw");

        assertThrows(ImageRefusedException.class, () -> store.admit(upload, ImageFormat.QCOW2, GIB));

        assertTrue(Files.exists(upload));
    }

    @Test
    void onlyFilesDirectlyInIncomingAreAdmitted() throws IOException {
        Path elsewhere = TestImages.raw(top.resolve("elsewhere.raw"), 1 << 20);
        Path nested = TestImages.raw(Files.createDirectory(store.incoming().resolve("sub")).resolve("n.raw"), 1 << 20);

        for (Path file : List.of(elsewhere, nested)) {
            ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> store.admit(file, ImageFormat.RAW, GIB));
            assertEquals(ImageRefusedException.Reason.OUTSIDE_STORE, e.reason());
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
