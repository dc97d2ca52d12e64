package io.kvmportal.host.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGuestImageTest {

    @Test
    void concurrentBuildsPublishOneCompleteEntry(@TempDir Path cacheRoot) throws Exception {
        CompletableFuture<TestGuestImage> first = CompletableFuture.supplyAsync(() -> TestGuestImage.buildOrReuse(cacheRoot));
        CompletableFuture<TestGuestImage> second = CompletableFuture.supplyAsync(() -> TestGuestImage.buildOrReuse(cacheRoot));

        Path entry = cacheRoot.resolve(TestGuestImage.scriptHash());
        assertEquals(entry, first.get().directory());
        assertEquals(entry, second.get().directory());
        try (Stream<Path> children = Files.list(cacheRoot)) {
            assertEquals(List.of(entry), children.toList(), "no temporary build directory may remain");
        }
        assertGuestFiles(first.get());
    }

    @Test
    void reusesACompleteEntryWithoutRebuilding(@TempDir Path cacheRoot) throws Exception {
        Path entry = TestGuestImage.buildOrReuse(cacheRoot).directory();
        long builtAt = Files.getLastModifiedTime(entry.resolve("vmlinuz")).toMillis();

        TestGuestImage again = TestGuestImage.buildOrReuse(cacheRoot);

        assertEquals(builtAt, Files.getLastModifiedTime(again.kernel()).toMillis());
    }

    @Test
    void sharedGuestIsInTheUserCacheUnderTheScriptHash() throws IOException {
        TestGuestImage guest = TestGuestImage.get();
        Path expected = Path.of(System.getProperty("user.home"), ".cache/kvm-portal/test-guest", TestGuestImage.scriptHash());
        assertEquals(expected, guest.directory());
        assertGuestFiles(guest);
    }

    private static void assertGuestFiles(TestGuestImage guest) throws IOException {
        byte[] kernel = Files.readAllBytes(guest.kernel());
        // A bzImage carries "HdrS" at offset 0x202 (the Linux x86 boot protocol header).
        assertArrayEquals("HdrS".getBytes(), java.util.Arrays.copyOfRange(kernel, 0x202, 0x206));
        byte[] initrd = Files.readAllBytes(guest.initrd());
        assertEquals(0x1f, initrd[0] & 0xff, "gzip magic");
        assertEquals(0x8b, initrd[1] & 0xff, "gzip magic");
        byte[] qcow = Files.readAllBytes(guest.baseDisk());
        assertArrayEquals(new byte[] {'Q', 'F', 'I', (byte) 0xfb}, java.util.Arrays.copyOf(qcow, 4));
        assertTrue(!Files.isWritable(guest.baseDisk()) || isRoot(), "base disk is 0444");
        assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(guest.baseDisk())));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
