package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.UserView;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The console WebSocket relay through the real portal (Jetty, handshake, tokens, registry), with a plain unix
 * socket in place of the guest's VNC server, so the test controls the screen's side: bytes arrive intact both
 * ways, a browser that does not read stops the relay, each side's close closes the other, admins see and end
 * consoles, and a user's consoles are limited.
 */
@MicronautTest(transactional = false)
class ConsoleRelayTest extends FakeScreenPortal {
    @Test
    void largeMessagesCrossIntactBothWays() throws Exception {
        try (ConsoleSocket browser = openConsole(); SocketChannel guest = acceptScreen()) {
            assertEquals("binary", browser.subprotocol());
            Thread echo = echo(guest);
            byte[] big = new byte[5 << 20];
            new Random(7).nextBytes(big);
            browser.send(big);
            assertArrayEquals(big, browser.read(big.length, Duration.ofSeconds(20)));
            byte[] small = {3, 0, 0, 0, 0, 0, 1, 0, 1};
            browser.send(small);
            assertArrayEquals(small, browser.read(small.length, Duration.ofSeconds(5)));
            Map<String, Object> counted = openConsoles().get(0);
            assertEquals((long) big.length + small.length, ((Number) counted.get("bytesToGuest")).longValue());
            assertEquals((long) big.length + small.length, ((Number) counted.get("bytesToBrowser")).longValue());
            assertEquals("relay-user", counted.get("login"));
            assertEquals("vm1", counted.get("guestName"));
            browser.close();
            echo.join(SECOND.toMillis());
        }
    }

    /**
     * A busy screen (a whole framebuffer, a video) reaches the browser whole and in order; with zero-copy on, it goes
     * through the console's pipe, which closes with the console.
     */
    @Test
    void aBusyScreenReachesTheBrowserWholeAndThroughAPipeWhenZeroCopy() throws Exception {
        long pipesBefore = openPipes();
        byte[] screenful = new byte[24 << 20];
        new Random(11).nextBytes(screenful);
        try (ConsoleSocket browser = openConsole(); SocketChannel guest = acceptScreen()) {
            Thread sending = write(guest, screenful);
            assertArrayEquals(screenful, browser.read(screenful.length, Duration.ofSeconds(30)));
            sending.join(SECOND.toMillis());
            assertEquals(pipesBefore + (zeroCopy() ? 2 : 0), openPipes(), "the console's pipe, if any");
            assertEquals((long) screenful.length,
                    ((Number) openConsoles().get(0).get("bytesToBrowser")).longValue());
        }
        assertNoConsoleWithin(Duration.ofSeconds(5));
        assertEquals(pipesBefore, openPipes(), "the pipe closed with the console");
    }

    /** Whatever the screen sent before it closed reaches the browser before the close frame. */
    @Test
    void whatTheScreenSentBeforeItClosedArrivesBeforeTheClose() throws Exception {
        byte[] last = new byte[6 << 20];
        new Random(13).nextBytes(last);
        try (ConsoleSocket browser = openConsole()) {
            SocketChannel guest = acceptScreen();
            write(guest, last).join(Duration.ofSeconds(30).toMillis());
            guest.close();
            assertArrayEquals(last, browser.read(last.length, Duration.ofSeconds(30)));
            assertEquals(1000, browser.awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    /** Whether this test class runs the portal with zero-copy consoles. */
    boolean zeroCopy() {
        return true;
    }

    /** The screen writes as fast as it can to a browser that never reads: the relay soon stops taking its bytes. */
    @Test
    void aBrowserThatDoesNotReadStopsTheRelayReadingTheScreen() throws Exception {
        String path = ticketPath();
        try (RawWebSocket stalled = RawWebSocket.open(server.getPort(), path, 64 * 1024, "Origin", client.origin(),
                "Cookie", session); SocketChannel guest = acceptScreen()) {
            guest.configureBlocking(false);
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            long written = 0;
            long lastProgress = System.nanoTime();
            while (System.nanoTime() - lastProgress < Duration.ofSeconds(2).toNanos() && written < (1L << 30)) {
                int n = guest.write(block.clear());
                if (n > 0) {
                    written += n;
                    lastProgress = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
            }
            long relayed = ((Number) openConsoles().get(0).get("bytesToBrowser")).longValue();
            assertTrue(written < (32L << 20), "the screen could write " + written + " bytes to a stalled browser");
            assertTrue(relayed <= written, relayed + " relayed of " + written);
            Thread.sleep(500);
            assertEquals(relayed, ((Number) openConsoles().get(0).get("bytesToBrowser")).longValue(),
                    "the relay stands still while the browser does not read");
            stalled.close();
            assertScreenClosed(guest, Duration.ofSeconds(5));
        }
    }

    @Test
    void closingTheBrowserClosesTheScreen() throws Exception {
        ConsoleSocket browser = openConsole();
        try (SocketChannel guest = acceptScreen()) {
            browser.close();
            assertScreenClosed(guest, SECOND);
        }
    }

    @Test
    void theScreenClosingClosesTheBrowserWithAReason() throws Exception {
        try (ConsoleSocket browser = openConsole()) {
            SocketChannel guest = acceptScreen();
            long closedAt = System.nanoTime();
            guest.close();
            ConsoleSocket.Closed closed = browser.awaitClose(SECOND);
            assertEquals(1000, closed.code());
            assertEquals("The guest's screen closed the connection.", closed.reason());
            assertTrue(closed.atNanos() - closedAt < SECOND.toNanos());
        }
    }

    @Test
    void anAdminSeesAndEndsAConsole() throws Exception {
        try (ConsoleSocket browser = openConsole(); SocketChannel guest = acceptScreen()) {
            long id = ((Number) openConsoles().get(0).get("id")).longValue();
            String user = "Bearer " + client.token("relay-user", "relay-user-password");
            assertEquals(403, client.get("/api/v1/admin/consoles", "Authorization", user).statusCode());
            assertEquals(403, client.send("DELETE", "/api/v1/admin/consoles/" + id, null, "Authorization", user)
                    .statusCode());
            assertEquals(204, client.send("DELETE", "/api/v1/admin/consoles/" + id, null,
                    "Authorization", adminToken).statusCode());
            ConsoleSocket.Closed closed = browser.awaitClose(SECOND);
            assertEquals(4002, closed.code());
            assertEquals("An administrator ended this console.", closed.reason());
            assertScreenClosed(guest, SECOND);
            assertEquals(404, client.send("DELETE", "/api/v1/admin/consoles/" + id, null,
                    "Authorization", adminToken).statusCode());
            String audit = client.get("/api/v1/audit?action=CONSOLE_ENDED", "Authorization", adminToken).body();
            assertTrue(audit.contains("\"success\":true") && audit.contains("vm1"), audit);
        }
    }

    @Test
    void aUserHasAtMostTheirLimitOfConsoles() throws Exception {
        List<ConsoleSocket> open = List.of(openConsole(), openConsole(), openConsole());
        List<SocketChannel> served = List.of(acceptScreen(), acceptScreen(), acceptScreen());
        try (ConsoleSocket fourth = openConsole()) {
            ConsoleSocket.Closed refused = fourth.awaitClose(SECOND);
            assertEquals(4429, refused.code());
            assertEquals("You have 3 consoles open; close one first.", refused.reason());
        } finally {
            for (ConsoleSocket console : open) {
                console.close();
            }
            for (SocketChannel channel : served) {
                channel.close();
            }
        }
    }

    @Test
    void aTicketIsWorthNothingOnceItsUserIsDisabled() throws Exception {
        String path = ticketPath();
        UserView admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
        accounts.setEnabled(admin.actor(), user.id(), false);
        try (ConsoleSocket browser = ConsoleSocket.open(server.getPort(), path, "Origin", client.origin(),
                "Cookie", session)) {
            ConsoleSocket.Closed refused = browser.awaitClose(SECOND);
            assertEquals(4401, refused.code());
            assertEquals("Sign in to open a console.", refused.reason());
        } finally {
            accounts.setEnabled(admin.actor(), user.id(), true);
            session = client.signIn("relay-user", "relay-user-password").orElseThrow();
        }
    }

    /** Public library code, the same for everyone: no session needed, no directory listing. */
    @Test
    void noVncIsServedFromTheJarAsJavaScriptModules() {
        HttpResponse<String> rfb = client.get("/novnc/core/rfb.js");
        assertEquals(200, rfb.statusCode());
        assertEquals("text/javascript", rfb.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(rfb.body().contains("export default class RFB"));
        assertTrue(client.get("/novnc/package.json").body().contains("\"version\": \"1.7.0\""));
        assertEquals(200, client.get("/novnc/vendor/pako/lib/zlib/inflate.js").statusCode());
        assertTrue(client.get("/novnc/core/").statusCode() >= 400, "no directory listing");
        assertEquals(404, client.get("/novnc/core/no-such-module.js").statusCode());
    }

    /** Pipes this JVM holds open: a console relaying zero-copy holds one (two descriptors). */
    private static long openPipes() throws IOException {
        long pipes = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    pipes += Files.readSymbolicLink(fd).toString().startsWith("pipe:") ? 1 : 0;
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since
                }
            }
        }
        return pipes;
    }

    private static Thread write(SocketChannel guest, byte[] data) {
        return playScreen("busy-screen", () -> writeAll(guest, ByteBuffer.wrap(data)));
    }

    private static Thread echo(SocketChannel guest) {
        return playScreen("echo-screen", () -> {
            ByteBuffer buffer = ByteBuffer.allocate(100_000);
            while (guest.read(buffer.clear()) >= 0) {
                writeAll(guest, buffer.flip());
            }
        });
    }

    /** What a thread playing the guest's screen does, until the test closes the screen's socket. */
    private interface ScreenPart {
        void play() throws IOException;
    }

    private static Thread playScreen(String name, ScreenPart part) {
        Thread thread = new Thread(() -> {
            try {
                part.play();
            } catch (IOException closed) {
                // the test is over
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void writeAll(SocketChannel channel, ByteBuffer out) throws IOException {
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }
}
