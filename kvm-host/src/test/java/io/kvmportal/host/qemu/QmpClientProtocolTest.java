package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The QMP client against a scripted peer: routing, events, errors, bounds, end of stream, timeouts. */
class QmpClientProtocolTest {
    private static final Duration SHORT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private FakeQmpServer qemu;
    private QmpClient client;

    @BeforeEach
    void connect() throws Exception {
        qemu = new FakeQmpServer(dir.resolve("qmp.sock"));
        CompletableFuture<Void> negotiated = qemu.negotiateAsync();
        client = QmpClient.connect(qemu.path(), SHORT);
        negotiated.get();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        qemu.close();
    }

    @Test
    void repliesAreRoutedByIdEvenOutOfOrderAndEventsInBetweenAreAllDelivered() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        client.addEventListener(e -> events.add(e.name() + e.data()));
        CompletableFuture<JsonNode> first = client.send("query-status", Map.of(), SHORT);
        CompletableFuture<JsonNode> second = client.send("query-name", Map.of(), SHORT);
        JsonNode a = qemu.read();
        JsonNode b = qemu.read();

        qemu.send("{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}");
        qemu.send("{\"return\": {\"name\": \"g1\"}, \"id\": " + b.get("id") + "}");
        qemu.send("{\"event\": \"RESUME\", \"data\": {\"x\": 1}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 3}}");
        qemu.send("{\"return\": {\"status\": \"running\"}, \"id\": " + a.get("id") + "}");

        assertEquals("query-status", a.get("execute").asText());
        assertEquals("running", first.get().get("status").asText());
        assertEquals("g1", second.get().get("name").asText());
        waitFor(() -> events.size() == 2);
        assertEquals(List.of("STOP{}", "RESUME{\"x\":1}"), events);
    }

    @Test
    void anErrorReplyKeepsClassDescAndTheCommandSent() throws Exception {
        CompletableFuture<JsonNode> call = client.send("screendump", Map.of("filename", "/x"), SHORT);
        JsonNode sent = qemu.read();
        qemu.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no console\"}, \"id\": " + sent.get("id") + "}");

        QmpException e = cause(call);
        assertEquals(QmpException.Kind.ERROR_REPLY, e.kind());
        assertEquals("GenericError", e.errorClass());
        assertEquals("no console", e.errorDesc());
        assertEquals(sent.toString(), e.command());
        assertEquals(sent.toString() + ": GenericError: no console", e.getMessage());
    }

    @Test
    void endOfStreamFailsEveryWaitingCallAndLaterCallsAtOnce() throws Exception {
        CompletableFuture<JsonNode> a = client.send("query-status", Map.of(), Duration.ofMinutes(1));
        CompletableFuture<JsonNode> b = client.send("query-kvm", Map.of(), Duration.ofMinutes(1));
        qemu.read();
        qemu.read();
        qemu.hangUp();

        assertEquals(QmpException.Kind.CLOSED, cause(a).kind());
        assertTrue(cause(b).command().contains("query-kvm"), cause(b).getMessage());
        assertEquals(QmpException.Kind.CLOSED, client.whenClosed().get().kind());
        QmpException later = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(QmpException.class, () -> client.execute("query-status")));
        assertEquals(QmpException.Kind.CLOSED, later.kind());
    }

    @Test
    void aLineAboveOneMebibyteIsAProtocolErrorThatEndsTheConnection() throws Exception {
        CompletableFuture<JsonNode> call = client.send("query-status", Map.of(), Duration.ofMinutes(1));
        qemu.read();
        byte[] huge = new byte[QmpClient.MAX_LINE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'x');
        qemu.sendRaw(huge);

        QmpException e = cause(call);
        assertEquals(QmpException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().endsWith("QMP line longer than 1048576 bytes"), e.getMessage());
    }

    @Test
    void notJsonIsAProtocolError() throws Exception {
        CompletableFuture<JsonNode> call = client.send("query-status", Map.of(), Duration.ofMinutes(1));
        qemu.read();
        qemu.sendRaw("{\"return\": oops\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(QmpException.Kind.PROTOCOL, cause(call).kind());
    }

    @Test
    void anUnansweredCallTimesOutAndItsLateReplyIsIgnored() throws Exception {
        long start = System.nanoTime();
        QmpException e = assertThrows(QmpException.class,
                () -> client.execute("query-status", Map.of(), Duration.ofMillis(200)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(QmpException.Kind.TIMEOUT, e.kind());
        assertTrue(tookMillis >= 200 && tookMillis < 2000, "took " + tookMillis + " ms");
        JsonNode sent = qemu.read();
        qemu.send("{\"return\": {}, \"id\": " + sent.get("id") + "}");
        CompletableFuture<JsonNode> next = client.send("query-name", Map.of(), SHORT);
        qemu.send("{\"return\": {\"name\": \"n\"}, \"id\": " + qemu.read().get("id") + "}");
        assertEquals("n", next.get().get("name").asText());
    }

    @Test
    void argumentsAreSentAsJsonWithAnId() throws Exception {
        CompletableFuture<JsonNode> call = client.send("screendump", Map.of("filename", "/a \"b\"", "format", "png"), SHORT);
        JsonNode sent = qemu.read();
        qemu.send("{\"return\": {}, \"id\": " + sent.get("id") + "}");

        assertEquals("/a \"b\"", sent.get("arguments").get("filename").asText());
        assertTrue(sent.get("id").canConvertToLong());
        assertEquals(0, call.get().size());
        assertNull(sent.get("arguments").get("other"));
    }

    @Test
    void aFloodOfEventsBeyondTheQueueIsDeliveredCompleteAndInOrder() throws Exception {
        int count = QmpEvents.CAPACITY * 3;
        List<Integer> seen = new CopyOnWriteArrayList<>();
        client.addEventListener(e -> {
            if (seen.size() % 1000 == 0) {
                sleepQuietly(20); // a slow listener makes the queue fill up
            }
            seen.add(e.data().get("n").asInt());
        });
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < count; i++) {
            burst.append("{\"event\": \"RTC_CHANGE\", \"data\": {\"n\": ").append(i).append("}}\n");
        }
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> qemu.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8)));

        waitFor(() -> seen.size() == count);
        sent.get();
        for (int i = 0; i < count; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A socket that cannot be attached fails its own command, unsent; the connection carries on. */
    @Test
    void aSocketThatCannotBePassedFailsOnlyItsCommand() throws Exception {
        java.nio.channels.SocketChannel closed = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(qemu.path()));
        closed.close();

        QmpException e = assertThrows(QmpException.class,
                () -> client.executeWithSocket("getfd", Map.of("fdname", "x"), closed, SHORT));

        assertEquals(QmpException.Kind.NOT_SENT, e.kind());
        CompletableFuture<JsonNode> next = client.send("query-status", Map.of(), SHORT);
        JsonNode sent = qemu.read();
        assertEquals("query-status", sent.get("execute").asText(), "nothing of the failed command reached QEMU");
        qemu.send("{\"return\": {}, \"id\": " + sent.get("id") + "}");
        assertTrue(next.get().isEmpty());
    }

    private static QmpException cause(CompletableFuture<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, java.util.concurrent.TimeUnit.SECONDS));
        return (QmpException) e.getCause();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within " + SHORT);
    }
}
