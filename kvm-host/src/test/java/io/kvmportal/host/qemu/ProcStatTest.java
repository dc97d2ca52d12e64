package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcStatTest {
    /** A real line of a QEMU on this machine, fields 1-52. */
    private static final String QEMU = "4242 (qemu-system-x86) S 1 4242 4242 0 -1 4194624 31233 0 0 0 "
            + "250 50 0 0 20 0 5 0 1000 1412542464 25600 18446744073709551615 1 1 0 0 0 0 0 4096 17987 0 0 0 17 1 0 0 0 0 0 "
            + "0 0 0 0 0 0 0 0";

    @Test
    void readsTheFieldsByNumber() {
        ProcStat s = ProcStat.parse(QEMU);
        assertEquals(new ProcStat(4242, "qemu-system-x86", 'S', 250, 50, 5, 1000, 25600), s);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a b|a b", "x) S 1 (y|x) S 1 (y", "(|(", "))|))"})
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields(String comm, String expected) {
        ProcStat s = ProcStat.parse(QEMU.replace("(qemu-system-x86)", "(" + comm + ")"));
        assertEquals(expected, s.comm());
        assertEquals('S', s.state());
        assertEquals(5, s.threads());
        assertEquals(25600, s.rssPages());
    }

    @Test
    void truncatedLinesAreRefusedWithTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("1 (x) S 1 2"));
        assertEquals("only 5 fields in /proc/<pid>/stat: \"1 (x) S 1 2\"", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"R,RUNNING,false", "S,SLEEPING,false", "D,DISK_SLEEP,false", "T,STOPPED_BY_SIGNAL,false",
        "t,TRACING_STOP,false", "Z,ZOMBIE,true", "X,DEAD,true", "I,IDLE,false", "W,UNKNOWN,false"})
    void stateLetters(char letter, ProcessState state, boolean gone) {
        assertEquals(state, ProcessState.of(letter));
        assertEquals(gone, state.gone());
    }

    @Test
    void viewFromAFakeProc(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/stat"), QEMU.replace(" S ", " T ") + "\n");
        Files.writeString(proc.resolve("4242/status"), "Name:\tqemu\nUid:\t1001\t1001\t1001\t1001\nGid:\t1001\n");
        // started at tick 1000 = 10 s after boot; now 40 s after boot; 300 ticks = 3 s of CPU in 30 s.
        Files.writeString(proc.resolve("uptime"), "40.00 70.00\n");

        ProcessView v = new ProcessViews(proc).read(4242).orElseThrow();

        assertEquals(new ProcessView(4242, 1001, ProcessState.STOPPED_BY_SIGNAL, 10.0, 25600L * 4096, 5,
                Duration.ofSeconds(30)), v);
        assertEquals(Optional.empty(), new ProcessViews(proc).read(4243));
        assertFalse(v.state().gone());
        assertTrue(v.rssBytes() > 100_000_000L);
    }

    @Test
    void recentCpuIsMeasuredSinceTheLastLookLikeTop(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/status"), "Name:\tqemu\nUid:\t1001\t1001\t1001\t1001\n");
        Files.writeString(proc.resolve("uptime"), "40.00 70.00\n");
        Files.writeString(proc.resolve("4242/stat"), QEMU + "\n");
        ProcessViews views = new ProcessViews(proc);

        assertEquals(10.0, views.readRecent(4242).orElseThrow().cpuPercent(), 0.001, "first look: since start");
        // 1.2 s later it has used 0.6 s more CPU (250+50 ticks -> 310+50): about 50 % over that while.
        Files.writeString(proc.resolve("4242/stat"), QEMU.replace(" 250 50 ", " 310 50 ") + "\n");
        Thread.sleep(1200);
        double recent = views.readRecent(4242).orElseThrow().cpuPercent();
        assertTrue(recent > 30 && recent < 51, "CPU over the last 1.2 s, not since start: " + recent);
        assertEquals(recent, views.readRecent(4242).orElseThrow().cpuPercent(), 0.001,
                "a look right after repeats the figure instead of dividing a few ticks by milliseconds");
        // The pid now belongs to another process (another start time): averaged since its own start again.
        Files.writeString(proc.resolve("4242/stat"), QEMU.replace(" 1000 ", " 2000 ").replace(" 250 50 ", " 1000 1000 ")
                + "\n");
        assertEquals(100.0, views.readRecent(4242).orElseThrow().cpuPercent(), 0.001);
    }
}
