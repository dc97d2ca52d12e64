package io.kvmportal.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The figures of /proc/meminfo and /proc/self/status lines, and this machine's. */
class MachineFiguresTest {

    @Test
    void theFigureOfTheKeysLineInKilobytes() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 4000 kB", "VmRSS:\t   51234 kB", "Threads:\t30");

        assertEquals(51234, MachineFigures.parse(status, "VmRSS:"));
        assertEquals(0, MachineFigures.parse(status, "MemTotal:"), "absent");
        assertEquals(0, MachineFigures.parse(List.of("VmRSS:\tlots kB"), "VmRSS:"), "not a number");
    }

    @Test
    void thisMachinesMemoryAndThisJvmsResidentMemory() {
        long rss = MachineFigures.agentRssBytes();
        long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

        assertTrue(MachineFigures.memoryMib() * (1L << 20) > rss, "the machine holds the JVM");
        assertTrue(rss > 16L << 20 && rss < 16L << 30, "a JVM's resident memory: " + rss);
        assertTrue(heapUsed > 0);
    }
}
