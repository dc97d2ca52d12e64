package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.kvm.Processes;
import io.kvmportal.host.kvm.Signal;
import io.kvmportal.host.testing.TestGuest;

/** /proc figures of a real QEMU, and what a SIGSTOPped QEMU looks like: stopped by signal, QMP silent. */
class ProcessViewQemuTest {
    private final ProcessViews views = new ProcessViews();
    private TestGuest guest;
    private int pid;

    @BeforeEach
    void start() throws Exception {
        guest = TestGuest.start("proc-test");
        pid = (int) guest.process().pid();
        guest.qmp();
    }

    @AfterEach
    void kill() throws Exception {
        try {
            signal(Signal.CONT); // a stopped process cannot be waited for cleanly by all callers
        } finally {
            guest.close();
        }
    }

    @Test
    void figuresOfARunningQemu() throws Exception {
        ProcessView sampled = views.sample(pid, Duration.ofMillis(500)).orElseThrow();

        assertEquals(pid, sampled.pid());
        assertEquals(0, sampled.uid(), "tests start QEMU as root");
        assertNotEquals(ProcessState.STOPPED_BY_SIGNAL, sampled.state());
        assertTrue(sampled.threads() >= 2, "QEMU runs a vCPU thread besides its main loop: " + sampled);
        assertTrue(sampled.rssBytes() > 20L << 20, "QEMU's RSS is tens of MiB: " + sampled);
        assertTrue(sampled.cpuPercent() > 5 && sampled.cpuPercent() <= 200 * 1.1, "booting under TCG burns CPU: " + sampled);
        assertTrue(sampled.uptime().compareTo(Duration.ofMinutes(1)) < 0, sampled.toString());
    }

    @Test
    void sigstopShowsAsStoppedBySignalAndQmpTimesOutInsteadOfHanging() throws Exception {
        signal(Signal.STOP);
        assertEquals(ProcessState.STOPPED_BY_SIGNAL, awaitState(ProcessState.STOPPED_BY_SIGNAL));
        assertEquals(0.0, views.sample(pid, Duration.ofMillis(300)).orElseThrow().cpuPercent(), 0.5);

        QmpException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(QmpException.class,
                () -> guest.qmp().execute("query-status", Map.of(), Duration.ofSeconds(1))));
        assertEquals(QmpException.Kind.TIMEOUT, e.kind());

        signal(Signal.CONT);
        assertNotEquals(ProcessState.STOPPED_BY_SIGNAL, awaitState(ProcessState.SLEEPING, ProcessState.RUNNING));
        assertEquals("running", guest.qmp().execute("query-status").get("status").asText());
    }

    @Test
    void aReapedQemuIsGoneFromProc() throws Exception {
        guest.process().destroyForcibly();
        assertTrue(guest.process().waitFor(10, TimeUnit.SECONDS));

        assertTrue(views.read(pid).isEmpty(), "no view of a reaped process");
    }

    private ProcessState awaitState(ProcessState... wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ProcessState state = null;
        while (System.nanoTime() < deadline) {
            state = views.read(pid).orElseThrow().state();
            if (List.of(wanted).contains(state)) {
                return state;
            }
            Thread.sleep(10);
        }
        return state;
    }

    private void signal(Signal signal) {
        if (guest.process().isAlive()) {
            assertTrue(Processes.signal(pid, signal));
        }
    }
}
