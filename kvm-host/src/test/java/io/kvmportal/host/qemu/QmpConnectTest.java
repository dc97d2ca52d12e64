package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** Connecting: the client is handed out only after greeting and negotiation, and never waits unbounded. */
class QmpConnectTest {
    @TempDir
    Path dir;

    @Test
    void aPeerThatNeverGreetsTimesOut() throws Exception {
        try (FakeQmpServer silent = new FakeQmpServer(dir.resolve("qmp.sock"))) {
            long start = System.nanoTime();
            QmpException e = assertThrows(QmpException.class, () -> QmpClient.connect(silent.path(), Duration.ofMillis(300)));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(QmpException.Kind.TIMEOUT, e.kind());
            assertNull(e.command());
            assertEquals("no QMP greeting on " + silent.path() + " within 300 ms", e.getMessage().replaceAll("within \\d+ ms", "within 300 ms"));
            assertTrue(millis < 2000, "took " + millis + " ms");
        }
    }

    @Test
    void refusedNegotiationIsAnErrorReply() throws Exception {
        try (FakeQmpServer qemu = new FakeQmpServer(dir.resolve("qmp.sock"))) {
            CompletableFuture<Void> refuse = CompletableFuture.runAsync(() -> {
                qemu.send(FakeQmpServer.GREETING);
                JsonNode caps = qemu.read();
                qemu.send("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"nope\"}, \"id\": " + caps.get("id") + "}");
            });
            QmpException e = assertThrows(QmpException.class, () -> QmpClient.connect(qemu.path(), Duration.ofSeconds(5)));
            refuse.get();

            assertEquals(QmpException.Kind.ERROR_REPLY, e.kind());
            assertEquals("CommandNotFound", e.errorClass());
            assertTrue(e.command().contains("qmp_capabilities"), e.command());
        }
    }

    @Test
    void noSocketWithinTheTimeoutIsClosedNamingThePath() {
        Path missing = dir.resolve("absent.sock");
        QmpException e = assertThrows(QmpException.class, () -> QmpClient.connect(missing, Duration.ofMillis(100)));
        assertEquals(QmpException.Kind.CLOSED, e.kind());
        assertTrue(e.getMessage().startsWith("cannot connect to " + missing), e.getMessage());
    }

    @Test
    void aNonQmpGreetingIsAProtocolError() throws Exception {
        try (FakeQmpServer other = new FakeQmpServer(dir.resolve("qmp.sock"))) {
            CompletableFuture.runAsync(() -> other.send("SSH-2.0-OpenSSH_9.2"));
            QmpException e = assertThrows(QmpException.class, () -> QmpClient.connect(other.path(), Duration.ofSeconds(5)));
            assertEquals(QmpException.Kind.PROTOCOL, e.kind());
            assertEquals("not JSON from QEMU: SSH-2.0-OpenSSH_9.2", e.getMessage());
        }
    }
}
