package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.account.UserView;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.web.PortalClient;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console WebSocket relay through the real portal (Jetty, handshake, tokens, registry), with a plain unix
 * socket in place of the guest's VNC server, so the test controls the screen's side: bytes arrive intact both
 * ways, a browser that does not read stops the relay, each side's close closes the other, admins see and end
 * consoles, and a user's consoles are limited.
 */
@MicronautTest(transactional = false)
class ConsoleRelayTest extends DatabaseTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final Duration SECOND = Duration.ofSeconds(1);
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    GuestRegistry guests;
    @Inject
    FakeScreens screens;
    @Inject
    JsonMapper json;
    private Path dir;
    private ServerSocketChannel screen;
    private PortalClient client;
    private String session;
    private String adminToken;
    private long guestId;
    private UserView user;

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", ADMIN_PASSWORD);
        properties.put("portal.images.demo", "false");
        properties.put("portal.console.max-per-user", "3");
        properties.put("kvmptest.fake-screens", "true");
        return properties;
    }

    @BeforeAll
    void aUserWithARunningGuestAndAScreen() throws IOException {
        dir = Files.createTempDirectory("kvmptest-console-");
        Path socket = dir.resolve("screen.sock");
        screen = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        screen.configureBlocking(false);
        screens.connectTo(UnixDomainSocketAddress.of(socket));
        UserView admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
        user = accounts.create(admin.actor(), new NewUser("relay-user", null, "relay-user-password", Role.USER));
        guestId = guests.reserveNew(user.actor(), new NewGuest("vm1", null, 1, 128, 1)).id();
        guests.advance(guestId, GuestState.CREATING, GuestState.RUNNING, null);
        client = new PortalClient(server.getPort());
        session = client.signIn("relay-user", "relay-user-password").orElseThrow();
        adminToken = "Bearer " + token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    void removeScreen() throws IOException {
        screen.close();
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }

    @AfterEach
    void noConsoleLeftOpen() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!openConsoles().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "consoles still open: " + openConsoles());
            Thread.sleep(20);
        }
    }

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
            String user = "Bearer " + token("relay-user", "relay-user-password");
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

    @Test
    void longReasonsAreCutToWhatACloseFrameHolds() {
        String words = "é".repeat(100);
        String cut = ServerFrames.fitReason(words);
        assertTrue(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123, cut);
        assertTrue(cut.endsWith("...") && cut.startsWith("éé"), cut);
        assertEquals("short", ServerFrames.fitReason("short"));
    }

    private ConsoleSocket openConsole() throws IOException {
        return ConsoleSocket.open(server.getPort(), ticketPath(), "Origin", client.origin(), "Cookie", session);
    }

    private String ticketPath() throws IOException {
        HttpResponse<String> ticket = client.send("POST", "/api/v1/guests/" + guestId + "/console", null,
                "Cookie", session, "Origin", client.origin());
        assertEquals(201, ticket.statusCode(), ticket.body());
        return (String) json.readValue(ticket.body(), Argument.mapOf(String.class, Object.class)).get("path");
    }

    private SocketChannel acceptScreen() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            SocketChannel accepted = screen.accept();
            if (accepted != null) {
                accepted.configureBlocking(true);
                return accepted;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the console never connected to the screen");
    }

    private static Thread echo(SocketChannel guest) {
        Thread echo = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(100_000);
            try {
                while (guest.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        guest.write(buffer);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "echo-screen");
        echo.start();
        return echo;
    }

    /** The relay's end reaches the screen as end of stream (or a reset) within {@code timeout}. */
    private static void assertScreenClosed(SocketChannel guest, Duration timeout) throws Exception {
        guest.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        while (System.nanoTime() < deadline) {
            try {
                if (guest.read(sink.clear()) < 0) {
                    return;
                }
            } catch (IOException reset) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the screen's socket was not closed within " + timeout);
    }

    private List<Map<String, Object>> openConsoles() throws IOException {
        HttpResponse<String> list = client.get("/api/v1/admin/consoles", "Authorization", adminToken);
        assertEquals(200, list.statusCode(), list.body());
        return json.readValue(list.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    private String token(String login, String password) throws IOException {
        HttpResponse<String> issued = client.send("POST", "/api/v1/auth/token", "{\"login\":\"" + login
                + "\",\"password\":\"" + password + "\"}");
        assertEquals(201, issued.statusCode(), issued.body());
        return (String) json.readValue(issued.body(), Argument.mapOf(String.class, Object.class)).get("token");
    }
}
