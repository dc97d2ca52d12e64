package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvmportal.host.testing.TestNames;

/**
 * A data directory's id file, for real on disk: made once, root's and 0644, read unchanged by every later start
 * (also by portals starting at once); a corrupt or wrong file is refused and left as it was, never replaced.
 */
class InstallationIdFileTest {
    private static final String HEX = "00112233445566778899aabbccddeeff";
    private Path dataDir;
    private Path file;

    @BeforeEach
    void dataDirectory() throws IOException {
        dataDir = TestNames.tempDirectory();
        file = dataDir.resolve("installation-id");
    }

    @AfterEach
    void removeIt() throws IOException {
        TestNames.deleteTree(dataDir);
    }

    @Test
    void theFirstStartCreatesTheIdAndLaterStartsReadTheSame() throws IOException {
        InstallationId created = InstallationIdFile.loadOrCreate(file);

        assertEquals(created.value() + "\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, Files.getAttribute(file, "unix:uid"));
        assertEquals(List.of(file), list(dataDir), "no temporary file left behind");
        assertEquals(created, InstallationIdFile.loadOrCreate(file));
        assertEquals(created, InstallationIdFile.loadOrCreate(file));
        assertEquals(created.value() + "\n", Files.readString(file));
    }

    @Test
    void anExistingFileIsReadNotReplaced() throws IOException {
        write(HEX + "\n");

        assertEquals(new InstallationId(HEX), InstallationIdFile.loadOrCreate(file));
    }

    @Test
    void portalsStartingAtOnceAgreeOnOneId() throws Exception {
        int starts = 8;
        CyclicBarrier together = new CyclicBarrier(starts);
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        try {
            List<Future<InstallationId>> ids = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                ids.add(pool.submit(() -> {
                    together.await();
                    return InstallationIdFile.loadOrCreate(file);
                }));
            }
            Set<InstallationId> distinct = new HashSet<>();
            for (Future<InstallationId> id : ids) {
                distinct.add(id.get());
            }
            assertEquals(1, distinct.size(), distinct.toString());
            assertEquals(distinct.iterator().next().value() + "\n", Files.readString(file));
            assertEquals(List.of(file), list(dataDir), "no temporary file left behind");
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", HEX, HEX + "\n\n", HEX + "\nmore\n", "00112233445566778899AABBCCDDEEFF\n",
        "00112233445566778899aabbccddeef\n", "00112233445566778899aabbccddeeff0\n", " " + HEX + "\n",
        HEX + HEX + HEX + "\n"})
    void aCorruptFileIsRefusedAndLeftAsItWas(String content) throws IOException {
        write(content);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> InstallationIdFile.loadOrCreate(file));

        assertTrue(refused.getMessage().contains(file + " is corrupt"), refused.getMessage());
        assertEquals(content, Files.readString(file));
    }

    @Test
    void aFileOthersMayWriteIsRefused() throws IOException {
        write(HEX + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

        assertRefused();
    }

    @Test
    void aFileNotOwnedByRootIsRefused() throws IOException {
        write(HEX + "\n");
        Files.setAttribute(file, "unix:uid", 65534);

        assertRefused();
    }

    @Test
    void aSymbolicLinkIsRefusedNotFollowed() throws IOException {
        Path real = dataDir.resolve("elsewhere");
        Files.writeString(real, HEX + "\n");
        Files.createSymbolicLink(file, real);

        assertRefused();
        assertTrue(Files.isSymbolicLink(file));
    }

    @Test
    void aDirectoryInItsPlaceIsRefused() throws IOException {
        Files.createDirectory(file);

        assertRefused();
        assertTrue(Files.isDirectory(file));
    }

    private void assertRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> InstallationIdFile.loadOrCreate(file));
        assertTrue(refused.getMessage().contains(file + " is refused"), refused.getMessage());
    }

    private void write(String content) throws IOException {
        Files.write(file, content.getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
