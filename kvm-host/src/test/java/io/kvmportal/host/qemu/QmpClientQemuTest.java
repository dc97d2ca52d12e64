package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.testing.TestGuest;

/** The QMP client against a real QEMU (TCG) started from QemuCommandLine's argument list. */
class QmpClientQemuTest {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private TestGuest guest;
    private final BlockingQueue<QmpEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        guest = TestGuest.start("qmp-test");
        guest.qmp().addEventListener(events::add);
    }

    @AfterEach
    void kill() throws Exception {
        guest.close();
    }

    @Test
    void pidFileNamesTheProcessWeStarted() throws Exception {
        String pid = Files.readString(guest.spec().pidFile()).strip();
        assertEquals(Long.toString(guest.process().pid()), pid, "setsid must exec in place");
        assertEquals("running", status());
        assertEquals("qmp-test", guest.qmp().execute("query-name").get("name").asText());
    }

    @Test
    void stopAndContChangeStatusWithEvents() throws Exception {
        assertEquals("running", status());

        guest.qmp().execute("stop");
        assertEquals("STOP", nextEvent().name());
        assertEquals("paused", status());

        guest.qmp().execute("cont");
        assertEquals("RESUME", nextEvent().name());
        assertEquals("running", status());
    }

    @Test
    void screendumpWritesAPng() throws Exception {
        Path png = guest.spec().runDirectory().resolve("screen.png");
        guest.qmp().execute("screendump", Map.of("filename", png.toString(), "format", "png"));

        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(PNG_SIGNATURE, head);
    }

    @Test
    void powerdownAfterTheBannerShutsDownAndLaterCallsFailPromptly() throws Exception {
        guest.serial().awaitText(TestGuest.BANNER, BOOT);

        guest.qmp().execute("system_powerdown");
        QmpEvent event = nextEventNamed("SHUTDOWN");
        assertEquals("guest-shutdown", event.data().path("reason").asText(), event.toString());
        assertTrue(guest.process().waitFor(30, TimeUnit.SECONDS), "QEMU exits after the guest powers off");
        assertEquals(0, guest.process().exitValue());

        QmpException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertThrows(QmpException.class, () -> guest.qmp().execute("query-status")));
        assertEquals(QmpException.Kind.CLOSED, e.kind());
        assertEquals(QmpException.Kind.CLOSED, guest.qmp().whenClosed().get(2, TimeUnit.SECONDS).kind());
    }

    @Test
    void anUnknownCommandIsAnErrorReplyWithQemusClass() {
        QmpException e = assertThrows(QmpException.class, () -> guest.qmp().execute("no-such-command"));
        assertEquals(QmpException.Kind.ERROR_REPLY, e.kind());
        assertEquals("CommandNotFound", e.errorClass());
        assertTrue(e.command().contains("\"execute\":\"no-such-command\""), e.command());
    }

    private String status() {
        return guest.qmp().execute("query-status").get("status").asText();
    }

    private QmpEvent nextEvent() throws InterruptedException {
        QmpEvent event = events.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null, "no QMP event within 10 s");
        return event;
    }

    private QmpEvent nextEventNamed(String name) throws InterruptedException {
        for (QmpEvent e = nextEvent(); ; e = nextEvent()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
    }
}
