package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's WebSocket as RFC 6455 has it, on the wire, through the real portal with a fake screen: the
 * handshake and its refusals, pings, the frames a console refuses, the closing handshake, and frames sent right
 * behind the handshake request.
 */
@MicronautTest(transactional = false)
class ConsoleProtocolTest extends FakeScreenPortal {
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final int FIN_BINARY = 0x82;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PONG = 0xA;

    /** Only a handshake opens a console; anything else is told so over HTTP. */
    @Test
    void aPlainGetIs400AndOpensNoConsole() throws Exception {
        try (RawWebSocket browser = RawWebSocket.connect(server.getPort(), 0)) {
            Head head = Head.of(browser.exchange(request(ticketPath(), "Origin", client.origin(), "Cookie", session),
                    new byte[0]));
            assertEquals(400, head.status(), head.toString());
        }
        assertNoScreenConnection();
        assertEquals(List.of(), openConsoles());
    }

    @Test
    void anotherWebSocketVersionIs426NamingVersion13() throws Exception {
        try (RawWebSocket browser = RawWebSocket.connect(server.getPort(), 0)) {
            Head head = Head.of(browser.exchange(request(ticketPath(), "Upgrade", "websocket",
                    "Connection", "Upgrade", "Sec-WebSocket-Version", "8", "Sec-WebSocket-Key", RFC_KEY), new byte[0]));
            assertEquals(426, head.status(), head.toString());
            assertEquals(List.of("13"), head.values("Sec-WebSocket-Version"), head.toString());
        }
        assertNoScreenConnection();
        assertEquals(List.of(), openConsoles());
    }

    @Test
    void theAcceptHeaderIsTheRfcsHashOfTheKey() throws Exception {
        Head head = handshake(RFC_KEY, "binary");
        assertEquals(101, head.status(), head.toString());
        assertEquals(List.of("websocket"), lowerCase(head.values("Upgrade")));
        assertEquals(List.of("upgrade"), lowerCase(head.values("Connection")));
        assertEquals(List.of(RFC_ACCEPT), head.values("Sec-WebSocket-Accept"));
        assertEquals(List.of("binary"), head.values("Sec-WebSocket-Protocol"));
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String randomKey = Base64.getEncoder().encodeToString(key);
        assertEquals(List.of(expectedAccept(randomKey)), handshake(randomKey, "binary").values("Sec-WebSocket-Accept"));
    }

    /** A subprotocol the client did not offer would fail its handshake; noVNC offers "binary", others may not. */
    @Test
    void binaryIsTheAnswerOnlyWhenOffered() throws Exception {
        assertEquals(List.of(), handshake(RFC_KEY, null).values("Sec-WebSocket-Protocol"));
        assertEquals(List.of(), handshake(RFC_KEY, "chat, superchat").values("Sec-WebSocket-Protocol"));
        assertEquals(List.of("binary"), handshake(RFC_KEY, "chat, binary").values("Sec-WebSocket-Protocol"));
    }

    /** Firefox asks with "Connection: keep-alive, Upgrade"; header values are case-insensitive tokens. */
    /**
     * The portal's page offers its ticket as a subprotocol, so that no URL holds it: the console opens from a path
     * without a query, the answer is still "binary" (the ticket is never echoed), and the ticket is spent.
     */
    @Test
    void aTicketOfferedAsASubprotocolOpensTheConsoleFromABarePath() throws Exception {
        String path = ticketPath();
        String bare = path.substring(0, path.indexOf('?'));
        String offered = "binary, " + ConsoleUpgrade.TICKET_PROTOCOL + path.substring(path.indexOf("token=") + 6);
        String[] headers = {"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13",
                "Sec-WebSocket-Key", RFC_KEY, "Origin", client.origin(), "Cookie", session,
                "Sec-WebSocket-Protocol", offered};
        try (RawWebSocket browser = RawWebSocket.connect(server.getPort(), 0)) {
            Head head = Head.of(browser.exchange(request(bare, headers), new byte[0]));
            assertEquals(101, head.status(), head.toString());
            assertEquals(List.of("binary"), head.values("Sec-WebSocket-Protocol"));
            try (SocketChannel guest = acceptScreen()) {
                guest.write(ByteBuffer.wrap(bytes("RFB 003.008\n")));
                assertFrame(0x2, bytes("RFB 003.008\n"), browser.readFrame(SECOND));
                closeNormally(browser);
            }
        }
        try (RawWebSocket again = RawWebSocket.connect(server.getPort(), 0)) {
            again.exchange(request(bare, headers), new byte[0]);
            RawWebSocket.Frame refused = again.readFrame(SECOND);
            assertEquals(0x8, refused.opcode());
            assertEquals(4403, ((refused.payload()[0] & 0xff) << 8) | (refused.payload()[1] & 0xff));
        }
    }

    @Test
    void upgradeIsATokenAmongOthers() throws Exception {
        assertEquals(101, handshake(RFC_KEY, "binary", "Upgrade", "WebSocket", "Connection", "keep-alive, Upgrade")
                .status());
    }

    @Test
    void aPingIsAnsweredWithItsPayloadAndTheConsoleRelaysOn() throws Exception {
        try (RawWebSocket browser = openRaw(); SocketChannel guest = acceptScreen()) {
            byte[] payload = new byte[125];
            new SecureRandom().nextBytes(payload);
            browser.send(0x89, true, payload);
            assertFrame(OP_PONG, payload, browser.readFrame(SECOND));
            browser.send(0x89, true, new byte[0]);
            assertFrame(OP_PONG, new byte[0], browser.readFrame(SECOND));

            guest.write(ByteBuffer.wrap(bytes("RFB 003.008\n")));
            assertFrame(0x2, bytes("RFB 003.008\n"), browser.readFrame(SECOND));
            // A message in two fragments with a ping between them: the pong comes at once, the bytes run on.
            browser.send(0x02, true, bytes("RFB 00"));
            browser.send(0x89, true, bytes("between"));
            assertFrame(OP_PONG, bytes("between"), browser.readFrame(SECOND));
            browser.send(0x80, true, bytes("3.008\n"));
            assertArrayEquals(bytes("RFB 003.008\n"), readExactly(guest, 12, SECOND));
            assertEquals(1, openConsoles().size());
            closeNormally(browser);
        }
    }

    /**
     * RFC 6455 5.5.3 lets a pong answer only the latest ping. A browser that pings and does not read must not
     * make the portal keep a pong for every ping: the answers it finally reads are far fewer than its pings (the
     * sockets' buffers between them hold a few MB at most: tcp_wmem's 4 MB), and the last one is to its last ping.
     */
    @Test
    void aBrowserThatPingsWithoutReadingGetsTheLatestPongOnly() throws Exception {
        int pings = 100_000;
        try (RawWebSocket browser = RawWebSocket.open(server.getPort(), ticketPath(), 4096, "Origin", client.origin(),
                "Cookie", session); SocketChannel guest = acceptScreen()) {
            byte[] payload = new byte[125];
            ByteBuffer frames = ByteBuffer.allocate(pings * (2 + 4 + payload.length));
            for (int i = 0; i < pings; i++) {
                ByteBuffer.wrap(payload).putInt(i);
                frames.put(RawWebSocket.frame(0x89, true, payload));
            }
            browser.send(frames.flip());
            int pongs = 0;
            int last = -1;
            while (last != pings - 1) {
                RawWebSocket.Frame pong = browser.readFrame(Duration.ofSeconds(10));
                assertEquals(OP_PONG, pong.opcode());
                int answered = ByteBuffer.wrap(pong.payload()).getInt();
                assertTrue(answered > last, "pong " + answered + " after pong " + last);
                last = answered;
                pongs++;
            }
            assertTrue(pongs < pings / 2, pongs + " pongs queued for " + pings + " pings");
            assertEquals(1, openConsoles().size());
            closeNormally(browser);
        }
    }

    @Test
    void aTextFrameIsClosedWith1003() throws Exception {
        assertRefused(0x81, true, bytes("hello"), 1003, "The console carries binary messages only.");
    }

    @Test
    void anUnmaskedFrameIsClosedWith1002() throws Exception {
        assertRefused(FIN_BINARY, false, bytes("RFB 003.008\n"), 1002, "A browser's frames must be masked.");
    }

    /** RFC 6455 5.5.1: the close is answered with a close, and then the server closes the TCP connection. */
    @ParameterizedTest(name = "close {0}")
    @ValueSource(ints = {1000, 4000})
    void theBrowsersCloseIsAnsweredWithItsCodeThenTheConnectionCloses(int code) throws Exception {
        try (RawWebSocket browser = openRaw(); SocketChannel guest = acceptScreen()) {
            browser.send(0x88, true, ByteBuffer.allocate(2 + 3).putShort((short) code).put(bytes("bye")).array());
            RawWebSocket.Frame answer = browser.readFrame(SECOND);
            assertEquals(OP_CLOSE, answer.opcode());
            assertEquals(code, answer.closeCode());
            assertTrue(browser.closedWithin(SECOND), "the server kept the TCP connection open");
            assertPortalClosesWithin(browser.localPort(), SECOND, "the portal only shut down its output");
            assertScreenClosed(guest, SECOND);
            assertNoConsoleWithin(SECOND);
        }
    }

    /**
     * The other way round: the screen ends the console, the portal says so and stops sending, and the browser's
     * answer closes the connection at once (not a grace period later).
     */
    @Test
    void theBrowsersAnswerToTheServersCloseEndsTheConnection() throws Exception {
        try (RawWebSocket browser = openRaw()) {
            acceptScreen().close();
            // The portal waits half a second for word that the guest stopped before it blames the screen.
            RawWebSocket.Frame close = browser.readFrame(Duration.ofSeconds(3));
            assertEquals(OP_CLOSE, close.opcode());
            assertEquals(1000, close.closeCode());
            assertEquals("The guest's screen closed the connection.", close.closeReason());
            assertTrue(browser.closedWithin(SECOND), "the server sent more after its close frame");
            assertNoConsoleWithin(SECOND);
            browser.send(0x88, true, new byte[] {0x03, (byte) 0xe8});
            assertPortalClosesWithin(browser.localPort(), SECOND, "the browser's answer did not close the connection");
        }
    }

    /** A client may send its first frames without waiting for the 101; Jetty has read them with the request. */
    @Test
    void framesRightBehindTheHandshakeReachTheScreen() throws Exception {
        ByteBuffer behind = ByteBuffer.allocate(256).put(RawWebSocket.frame(FIN_BINARY, true, bytes("RFB 003.008\n")))
                .put(RawWebSocket.frame(0x89, true, bytes("early ping"))).flip();
        byte[] frames = new byte[behind.remaining()];
        behind.get(frames);
        try (RawWebSocket browser = RawWebSocket.connect(server.getPort(), 0)) {
            String head = browser.exchange(RawWebSocket.handshake(server.getPort(), ticketPath(),
                    "Origin", client.origin(), "Cookie", session), frames);
            assertEquals(101, Head.of(head).status(), head);
            try (SocketChannel guest = acceptScreen()) {
                assertArrayEquals(bytes("RFB 003.008\n"), readExactly(guest, 12, SECOND));
                assertFrame(OP_PONG, bytes("early ping"), browser.readFrame(SECOND));
                closeNormally(browser);
            }
        }
    }

    /** A frame the console refuses ends it: a close frame with the code and words, the screen and the console. */
    private void assertRefused(int first, boolean masked, byte[] payload, int code, String words) throws Exception {
        try (RawWebSocket browser = openRaw(); SocketChannel guest = acceptScreen()) {
            browser.send(first, masked, payload);
            RawWebSocket.Frame close = browser.readFrame(SECOND);
            assertEquals(OP_CLOSE, close.opcode());
            assertEquals(code, close.closeCode());
            assertEquals(words, close.closeReason());
            assertEquals(0, readUntilClosed(guest, SECOND), "bytes of the refused frame reached the screen");
            assertNoConsoleWithin(SECOND);
            assertTrue(browser.closedWithin(SECOND), "the server kept sending after its close frame");
        }
    }

    /** Ends a console as a browser does, and waits for the server's answer and the end of its screen. */
    private void closeNormally(RawWebSocket browser) throws Exception {
        browser.send(0x88, true, new byte[] {0x03, (byte) 0xe8});
        assertEquals(1000, browser.readFrame(SECOND).closeCode());
        assertTrue(browser.closedWithin(SECOND));
        assertNoConsoleWithin(SECOND);
    }

    private RawWebSocket openRaw() throws IOException {
        return RawWebSocket.open(server.getPort(), ticketPath(), 0, "Origin", client.origin(), "Cookie", session);
    }

    /**
     * Opens a console with this key, offering {@code protocols} (or none), and ends it; answers the 101's head.
     * {@code upgrade} is the Upgrade and Connection headers, if not the usual ones.
     */
    private Head handshake(String key, String protocols, String... upgrade) throws Exception {
        List<String> headers = new ArrayList<>(upgrade.length > 0 ? List.of(upgrade)
                : List.of("Upgrade", "websocket", "Connection", "Upgrade"));
        headers.addAll(List.of("Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", key, "Origin", client.origin(),
                "Cookie", session));
        if (protocols != null) {
            headers.addAll(List.of("Sec-WebSocket-Protocol", protocols));
        }
        try (RawWebSocket browser = RawWebSocket.connect(server.getPort(), 0)) {
            Head head = Head.of(browser.exchange(request(ticketPath(), headers.toArray(String[]::new)), new byte[0]));
            assertEquals(101, head.status(), head.toString());
            try (SocketChannel guest = acceptScreen()) {
                closeNormally(browser);
            }
            return head;
        }
    }

    private String request(String path, String... headers) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost:" + server.getPort()
                + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** RFC 6455 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID, worked out here independently. */
    private static String expectedAccept(String key) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    private static void assertFrame(int opcode, byte[] payload, RawWebSocket.Frame frame) {
        assertEquals(opcode, frame.opcode(), "opcode");
        assertTrue(frame.fin(), "a whole frame");
        assertArrayEquals(payload, frame.payload());
    }

    /** Exactly {@code n} bytes from the screen's side within {@code timeout}, and nothing more yet. */
    private static byte[] readExactly(SocketChannel guest, int n, Duration timeout) throws Exception {
        guest.configureBlocking(false);
        ByteBuffer into = ByteBuffer.allocate(n + 1);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (into.position() < n && System.nanoTime() < deadline) {
            if (guest.read(into) < 0) {
                break;
            }
            Thread.sleep(5);
        }
        assertEquals(n, into.position(), "bytes that reached the screen");
        return java.util.Arrays.copyOf(into.array(), n);
    }

    /** How many bytes reach the screen before the relay closes it, which must happen within {@code timeout}. */
    private static long readUntilClosed(SocketChannel guest, Duration timeout) throws Exception {
        guest.configureBlocking(false);
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        long total = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int read = guest.read(sink.clear());
            if (read < 0) {
                return total;
            }
            total += read;
            Thread.sleep(5);
        }
        throw new AssertionError("the screen's socket was not closed within " + timeout);
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> lowerCase(List<String> values) {
        return values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList();
    }

    /** An HTTP response's status and headers (names in any case). */
    record Head(int status, Map<String, List<String>> headers, String text) {
        static Head of(String text) {
            String[] lines = text.split("\r\n");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).strip(), name -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            return new Head(Integer.parseInt(lines[0].split(" ")[1]), headers, text);
        }

        List<String> values(String name) {
            return headers.getOrDefault(name, List.of());
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
