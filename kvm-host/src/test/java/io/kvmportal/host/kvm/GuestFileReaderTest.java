package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a guest's files as root: what the account could plant there is refused, and nothing blocks. */
class GuestFileReaderTest {
    private static final String ME = System.getProperty("user.name");

    @Test
    void readsAGrowingFileInChunksAndTheTailWhenAskedOrStartedAfresh(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serial.log");
        Files.writeString(log, "0123456789");

        GuestFileReader.Chunk first = GuestFileReader.read(log, ME, 0, 4);
        assertEquals("0123", text(first));
        assertEquals(10, first.size());
        GuestFileReader.Chunk next = GuestFileReader.read(log, ME, first.next(), 100);
        assertEquals("456789", text(next));
        assertEquals(10, next.next());
        assertEquals("", text(GuestFileReader.read(log, ME, 10, 100)), "nothing new");
        assertEquals("789", text(GuestFileReader.read(log, ME, -1, 3)), "the tail");

        Files.writeString(log, "new");
        GuestFileReader.Chunk afresh = GuestFileReader.read(log, ME, 10, 100);
        assertEquals(0, afresh.offset(), "a shorter file than we had read was started afresh");
        assertEquals("new", text(afresh));
    }

    @Test
    void aLinkTheGuestAccountPlantedIsNotFollowed(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "root's secret");
        Path log = Files.createSymbolicLink(dir.resolve("serial.log"), secret);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> GuestFileReader.read(log, ME, 0, 100));
        assertTrue(refused.getMessage().contains("Cannot open serial.log"), refused.getMessage());
    }

    @Test
    void aFifoIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("serial.log");
        assertEquals(0, new ProcessBuilder(List.of("mkfifo", fifo.toString())).start().waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> GuestFileReader.read(fifo, ME, 0, 100));
            assertEquals("serial.log is not a plain file of " + ME + "; not reading it.", refused.getMessage());
        });
    }

    @Test
    void aFileOfAnotherAccountOrWithASecondLinkIsRefused(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("serial.log"), "text");
        assertThrows(IllegalStateException.class, () -> GuestFileReader.read(log, "nobody", 0, 100));
        Files.createLink(dir.resolve("second-name"), log);
        assertThrows(IllegalStateException.class, () -> GuestFileReader.read(log, ME, 0, 100));
        assertArrayEquals("text".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(log));
    }

    private static String text(GuestFileReader.Chunk chunk) {
        return new String(chunk.bytes(), StandardCharsets.UTF_8);
    }
}
