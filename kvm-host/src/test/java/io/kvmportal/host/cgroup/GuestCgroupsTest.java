package io.kvmportal.host.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kvmportal.host.testing.TestNames;

/**
 * The real cgroup hierarchies of this host, under a parent {@code kvmptest-*} of their own; every
 * process is killed and every directory removed afterwards, the parent included.
 */
class GuestCgroupsTest {
    private static final Logger LOG = LoggerFactory.getLogger(GuestCgroupsTest.class);
    private static final long MIB = 1L << 20;

    private final GuestCgroups cgroups = new GuestCgroups(TestNames.random());
    private final String guest = TestNames.random();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAndRemove() throws InterruptedException {
        try {
            for (Process process : processes) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try {
                cgroups.destroy(guest);
            } finally {
                cgroups.removeParentIfEmpty();
            }
        }
    }

    private Process start(String... argv) throws IOException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        processes.add(process);
        return process;
    }

    @Test
    void limitsReadBackAndAProcessJoins() throws IOException, InterruptedException {
        GuestCgroup created = cgroups.create(guest, 256 * MIB, 50_000);

        assertEquals(new GuestCgroup(guest, cgroups.version(), 256 * MIB, 50_000, 100_000), created);
        assertEquals(Optional.of(created), cgroups.find(guest));

        Process sleep = start("/usr/bin/sleep", "30");
        long started = System.nanoTime();
        cgroups.join(guest, sleep.pid());
        LOG.info("join took {} us", (System.nanoTime() - started) / 1_000);

        assertEquals(List.of(sleep.pid()), cgroups.processes(guest));
        String membership = Files.readString(Path.of("/proc", Long.toString(sleep.pid()), "cgroup"));
        for (String controller : cgroups.version() == CgroupVersion.V1 ? List.of(":memory:", ":cpu:", ":cpuacct:") : List.of("0::")) {
            assertTrue(membership.lines().anyMatch(l -> l.contains(controller) && l.endsWith("/" + guest)), membership);
        }
    }

    @Test
    void destroyAfterTheProcessEndsLeavesNothing() throws IOException, InterruptedException {
        cgroups.create(guest, 64 * MIB, 10_000);
        Process sleep = start("/usr/bin/sleep", "30");
        cgroups.join(guest, sleep.pid());

        sleep.destroyForcibly();
        sleep.waitFor(10, TimeUnit.SECONDS);
        long started = System.nanoTime();
        cgroups.destroy(guest);
        LOG.info("destroy after kill took {} us", (System.nanoTime() - started) / 1_000);

        assertEquals(Optional.empty(), cgroups.find(guest));
        assertTrue(cgroups.removeParentIfEmpty());
        for (Path hierarchy : CgroupMounts.detect().hierarchies()) {
            assertFalse(Files.exists(cgroups.directory(hierarchy, guest).getParent()), hierarchy.toString());
        }
        cgroups.destroy(guest);
    }

    @Test
    void destroyRefusesWhileAProcessIsInside() throws IOException {
        cgroups.create(guest, 64 * MIB, 10_000);
        Process sleep = start("/usr/bin/sleep", "30");
        cgroups.join(guest, sleep.pid());

        CgroupException e = assertThrows(CgroupException.class, () -> cgroups.destroy(guest));
        assertTrue(e.getMessage().contains(Long.toString(sleep.pid())), e.getMessage());
        assertTrue(sleep.isAlive());
    }

    @Test
    void cpuQuotaThrottlesABusyProcess() throws IOException, InterruptedException {
        cgroups.create(guest, 64 * MIB, 20_000);
        Process busy = start("/usr/bin/sha256sum", "/dev/zero");
        cgroups.join(guest, busy.pid());
        CgroupStats before = cgroups.stats(guest);

        Thread.sleep(1_000);

        CgroupStats after = cgroups.stats(guest);
        long usedMicros = after.cpuMicros() - before.cpuMicros();
        LOG.info("busy process under a 20% quota used {} us of CPU in 1 s, throttled {} times", usedMicros, after.throttled());
        // The upper bound is the quota at work (unlimited, it would use ~1 s). The lower one is loose:
        // other test runs may share these two cores.
        assertTrue(usedMicros > 50_000 && usedMicros < 300_000, "20% of one CPU for 1 s, got " + usedMicros + " us");
        assertTrue(after.throttled() > 0);
    }

    @Test
    void memoryLimitKillsAProcessThatTouchesMore() throws IOException, InterruptedException {
        cgroups.create(guest, 128 * MIB, 100_000);
        Process hog = startHog(256);
        Process fits = startHog(16);
        cgroups.join(guest, hog.pid());

        release(hog);
        assertTrue(hog.waitFor(60, TimeUnit.SECONDS));
        assertEquals(128 + 9, hog.exitValue(), "SIGKILL by the OOM killer");
        // The same child with a small appetite, in the same cgroup, finishes.
        cgroups.join(guest, fits.pid());
        release(fits);
        assertTrue(fits.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, fits.exitValue(), new String(fits.getInputStream().readAllBytes()));
        assertTrue(cgroups.stats(guest).memoryBytes() <= 128 * MIB);
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsCreated() {
        for (String bad : new String[] {"", "..", "a/b", "-x", "A", "x y", "a".repeat(64)}) {
            assertThrows(IllegalArgumentException.class, () -> cgroups.create(bad, 64 * MIB, 10_000), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new GuestCgroups("../escape"));
        assertThrows(IllegalArgumentException.class, () -> cgroups.create(guest, 1024, 10_000));
        assertThrows(IllegalArgumentException.class, () -> cgroups.join(guest, 1));
        assertEquals(Optional.empty(), cgroups.find(guest));
    }

    private Process startHog(int mib) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes;
        try {
            classes = Path.of(MemoryHog.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return start(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classes, MemoryHog.class.getName(), Integer.toString(mib));
    }

    private static void release(Process hog) throws IOException {
        OutputStream in = hog.getOutputStream();
        in.write('\n');
        in.flush();
    }
}
