package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.account.UserView;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.web.PortalClient;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A guest's console on the real endpoint, with the demo guest running in QEMU (TCG here) as its owner's account:
 * every way a console token is refused, a real RFB session to QEMU's VNC server through the relay, and a live
 * console closed within a second when its user is disabled and when its guest stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConsoleContract extends DatabaseTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final Duration SECOND = Duration.ofSeconds(1);
    /** Short, so the expiry case waits briefly; the others connect at once. */
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3);
    private final String owner = "kvmptest-c" + Long.toHexString(System.nanoTime() & 0xfffff);
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    JsonMapper json;
    private PortalClient client;
    private UserView admin;
    private UserView user;
    private String session;
    private String otherSession;
    private String bearer;
    private long running;
    private long stopped;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", ADMIN_PASSWORD);
        properties.put("portal.images.demo", "true");
        properties.put("portal.console.token-lifetime", TOKEN_LIFETIME.toSeconds() + "s");
        return properties;
    }

    @BeforeAll
    void aUserWithARunningAndAStoppedGuest() throws Exception {
        client = new PortalClient(server.getPort());
        admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
        user = accounts.create(admin.actor(), new NewUser(owner, null, "console-user-password", Role.USER));
        accounts.create(admin.actor(), new NewUser("console-other", null, "console-other-password", Role.USER));
        session = client.signIn(owner, "console-user-password").orElseThrow();
        otherSession = client.signIn("console-other", "console-other-password").orElseThrow();
        bearer = "Bearer " + client.token(owner, "console-user-password");
        long image = demoImage();
        running = createGuest("vm1", image);
        stopped = createGuest("vm2", image);
        assertEquals(200, client.send("POST", "/api/v1/guests/" + running + "/actions/start", null,
                "Authorization", bearer).statusCode());
    }

    /** A failed test may have left the guest running (guests outlive the portal on purpose), and with it the account. */
    @AfterAll
    void removeWhatIsLeftOfTheAccount() {
        HostLeftovers.removeAccountOf(owner);
    }

    @Test
    @Order(1)
    void onlyTheOwnerOfARunningGuestGetsAToken() throws IOException {
        assertEquals(409, ticket(stopped, session).statusCode());
        assertEquals(404, ticket(running, otherSession).statusCode());
        assertEquals(404, ticket(999_999, session).statusCode());
        assertEquals(401, client.send("POST", "/api/v1/guests/" + running + "/console", null).statusCode());
        assertEquals(403, client.send("POST", "/api/v1/guests/" + running + "/console", null, "Cookie", session,
                "Origin", "http://evil.example").statusCode());
        HttpResponse<String> issued = ticket(running, session);
        assertEquals(201, issued.statusCode(), issued.body());
        String token = (String) fields(issued).get("token");
        assertTrue(token.startsWith("kvmc_") && token.length() >= 5 + 43, token);
    }

    @Test
    @Order(2)
    void everyBadTokenIsRefusedInWords() throws Exception {
        String mine = path(running, session);
        refused(consoleAt(mine.replace("/guests/" + running + "/", "/guests/" + stopped + "/"), session), 4403,
                "This console link is for another guest.");
        refused(consoleAt(mine, session), 4403, "This console link was already used; open the console again.");

        String stolen = path(running, session);
        refused(consoleAt(stolen, otherSession), 4403, "This console link was issued to another user.");
        refused(consoleAt(stolen, session), 4403, "This console link was already used; open the console again.");

        refused(ConsoleSocket.open(server.getPort(), path(running, session), "Origin", client.origin()), 4401,
                "Sign in to open a console.");
        refused(ConsoleSocket.open(server.getPort(), path(running, session), "Origin", "http://evil.example",
                "Cookie", session), 4403, "Refused: the console was opened from a page that is not this portal's.");
        refused(consoleAt(screenPath(running) + "?token=kvmc_forged", session), 4403,
                "This console link is not valid; open the console again.");
        refused(consoleAt(screenPath(running), session), 4403,
                "This console link is not valid; open the console again.");

        String late = path(running, session);
        Thread.sleep(TOKEN_LIFETIME.toMillis() + 300);
        refused(consoleAt(late, session), 4403, "This console link has expired; open the console again.");

        List<Map<String, Object>> audit = json.readValue(client.get("/api/v1/audit?action=CONSOLE_OPENED",
                "Authorization", "Bearer " + client.token("admin", ADMIN_PASSWORD)).body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertTrue(audit.stream().filter(entry -> Boolean.FALSE.equals(entry.get("success"))).count() >= 9,
                "every refusal is audited: " + audit);
    }

    /** RFB 3.8 to QEMU's VNC server through the relay, as noVNC speaks it, with a bearer token (a script). */
    @Test
    @Order(3)
    void aRealVncSessionReachesTheGuestsScreen() throws Exception {
        try (ConsoleSocket vnc = ConsoleSocket.open(server.getPort(), path(running, session),
                "Authorization", bearer)) {
            Duration wait = Duration.ofSeconds(10);
            assertEquals("RFB 003.008\n", new String(vnc.read(12, wait), StandardCharsets.US_ASCII));
            vnc.send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int types = vnc.read(1, wait)[0];
            assertEquals(List.of((byte) 1), asList(vnc.read(types, wait)), "security type None only");
            vnc.send(new byte[] {1});
            assertEquals(0, ByteBuffer.wrap(vnc.read(4, wait)).getInt(), "SecurityResult OK");
            vnc.send(new byte[] {1});
            ByteBuffer init = ByteBuffer.wrap(vnc.read(24, wait));
            int width = Short.toUnsignedInt(init.getShort());
            int height = Short.toUnsignedInt(init.getShort());
            int bytesPerPixel = init.get() / 8;
            String name = new String(vnc.read(init.getInt(20), wait), StandardCharsets.UTF_8);
            assertTrue(width > 0 && height > 0 && bytesPerPixel > 0, width + "x" + height);
            assertTrue(name.contains("vm1"), name);
            assertTrue(screenShowsSomething(vnc, width, height, bytesPerPixel), "the screen stayed black");
        }
    }

    @Test
    @Order(4)
    void disablingTheUserClosesTheirConsoleWithinASecond() throws Exception {
        try (ConsoleSocket console = consoleAt(path(running, session), session)) {
            console.read(12, Duration.ofSeconds(10));
            long disabledAt = System.nanoTime();
            accounts.setEnabled(admin.actor(), user.id(), false);
            ConsoleSocket.Closed closed = console.awaitClose(SECOND);
            assertEquals(4003, closed.code());
            assertEquals("Your account was disabled.", closed.reason());
            assertTrue(closed.atNanos() - disabledAt < SECOND.toNanos());
        } finally {
            accounts.setEnabled(admin.actor(), user.id(), true);
        }
        session = client.signIn(owner, "console-user-password").orElseThrow();
    }

    /** The guest's end closes the console: as end of stream from QEMU's socket or the stop event, whichever first. */
    @Test
    @Order(5)
    void stoppingTheGuestClosesItsConsoleWithinASecond() throws Exception {
        try (ConsoleSocket console = consoleAt(path(running, session), session)) {
            console.read(12, Duration.ofSeconds(10));
            long stoppedAt = System.nanoTime();
            assertEquals(200, client.send("POST", "/api/v1/guests/" + running + "/actions/force-off", null,
                    "Authorization", bearer).statusCode());
            ConsoleSocket.Closed closed = console.awaitClose(SECOND);
            assertTrue(closed.code() == 4001 || closed.code() == 1000, closed.toString());
            assertTrue(closed.reason().equals("The guest stopped.")
                    || closed.reason().equals("The guest's screen closed the connection."), closed.toString());
            assertTrue(closed.atNanos() - stoppedAt < SECOND.toNanos());
        }
        assertEquals(409, ticket(running, session).statusCode());
    }

    /** Asks for the whole screen until some pixel is not black: the guest's text is on it once it has booted. */
    private static boolean screenShowsSomething(ConsoleSocket vnc, int width, int height, int bytesPerPixel)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer request = ByteBuffer.allocate(10).put((byte) 3).put((byte) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) width).putShort((short) height);
            vnc.send(request.array());
            ByteBuffer update = ByteBuffer.wrap(vnc.read(4, Duration.ofSeconds(30)));
            assertEquals(0, update.get(), "FramebufferUpdate");
            int rectangles = Short.toUnsignedInt(update.getShort(2));
            boolean lit = false;
            for (int i = 0; i < rectangles; i++) {
                ByteBuffer header = ByteBuffer.wrap(vnc.read(12, Duration.ofSeconds(30)));
                int w = Short.toUnsignedInt(header.getShort(4));
                int h = Short.toUnsignedInt(header.getShort(6));
                assertEquals(0, header.getInt(8), "raw encoding");
                for (byte b : vnc.read(w * h * bytesPerPixel, Duration.ofSeconds(30))) {
                    lit |= b != 0;
                }
            }
            if (lit) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static List<Byte> asList(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).chars().mapToObj(c -> (byte) c).toList();
    }

    private void refused(ConsoleSocket console, int code, String reason) throws Exception {
        try (console) {
            ConsoleSocket.Closed closed = console.awaitClose(Duration.ofSeconds(5));
            assertEquals(code, closed.code(), closed.toString());
            assertEquals(reason, closed.reason());
        }
    }

    private ConsoleSocket consoleAt(String path, String cookie) {
        return ConsoleSocket.open(server.getPort(), path, "Origin", client.origin(), "Cookie", cookie);
    }

    private String path(long guestId, String cookie) throws IOException {
        HttpResponse<String> issued = ticket(guestId, cookie);
        assertEquals(201, issued.statusCode(), issued.body());
        return (String) fields(issued).get("path");
    }

    private static String screenPath(long guestId) {
        return "/console/guests/" + guestId + "/vnc";
    }

    private HttpResponse<String> ticket(long guestId, String cookie) {
        return client.send("POST", "/api/v1/guests/" + guestId + "/console", null, "Cookie", cookie,
                "Origin", client.origin());
    }

    private long createGuest(String name, long image) throws IOException {
        HttpResponse<String> created = client.send("POST", "/api/v1/guests", "{\"name\":\"" + name + "\",\"imageId\":"
                + image + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", "Authorization", bearer);
        assertEquals(201, created.statusCode(), created.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> guest = (Map<String, Object>) fields(created).get("guest");
        return ((Number) guest.get("id")).longValue();
    }

    private long demoImage() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> images = json.readValue(client.get("/api/v1/images", "Authorization", bearer)
                    .body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (!images.isEmpty()) {
                return ((Number) images.get(0).get("id")).longValue();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the demo image was not published within 5 minutes");
    }

    private Map<String, Object> fields(HttpResponse<String> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }
}
