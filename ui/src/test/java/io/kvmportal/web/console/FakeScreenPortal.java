package io.kvmportal.web.console;

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
import io.kvmportal.web.JettyServer;
import io.kvmportal.web.PortalClient;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of console tests on the real portal (Jetty, handshake, tokens, registry) with a plain unix socket in place
 * of the guest's VNC server ({@link FakeScreens}), so a test plays the screen's side: a user with a running guest
 * whose every console connects to {@link #acceptScreen}, and after each test no console left open.
 */
abstract class FakeScreenPortal extends DatabaseTest {
    static final String ADMIN_PASSWORD = "admin-password-1";
    static final Duration SECOND = Duration.ofSeconds(1);
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
    PortalClient client;
    String session;
    String adminToken;
    long guestId;
    UserView user;
    private Path dir;
    private ServerSocketChannel screen;

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
        adminToken = "Bearer " + client.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    void removeScreen() throws IOException {
        screen.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @AfterEach
    void noConsoleLeftOpen() throws Exception {
        assertNoConsoleWithin(Duration.ofSeconds(5));
    }

    ConsoleSocket openConsole() throws IOException {
        return ConsoleSocket.open(server.getPort(), ticketPath(), "Origin", client.origin(), "Cookie", session);
    }

    /** A fresh console ticket's path, query included. */
    String ticketPath() throws IOException {
        HttpResponse<String> ticket = client.send("POST", "/api/v1/guests/" + guestId + "/console", null,
                "Cookie", session, "Origin", client.origin());
        assertEquals(201, ticket.statusCode(), ticket.body());
        return (String) json.readValue(ticket.body(), Argument.mapOf(String.class, Object.class)).get("path");
    }

    /** The screen's side of the next console the portal opens, in blocking mode. */
    SocketChannel acceptScreen() throws Exception {
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

    /** The portal has not connected to the screen since the last {@link #acceptScreen}. */
    void assertNoScreenConnection() throws IOException {
        SocketChannel unexpected = screen.accept();
        if (unexpected != null) {
            unexpected.close();
            throw new AssertionError("the portal connected to the screen");
        }
    }

    /** The relay's end reaches the screen as end of stream (or a reset) within {@code timeout}. */
    static void assertScreenClosed(SocketChannel guest, Duration timeout) throws Exception {
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

    /** The consoles open now, as an administrator lists them. */
    List<Map<String, Object>> openConsoles() throws IOException {
        HttpResponse<String> list = client.get("/api/v1/admin/consoles", "Authorization", adminToken);
        assertEquals(200, list.statusCode(), list.body());
        return json.readValue(list.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    /** Waits up to {@code timeout} for the list of open consoles to be empty. */
    void assertNoConsoleWithin(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!openConsoles().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "consoles still open after " + timeout + ": " + openConsoles());
            Thread.sleep(20);
        }
    }

    /** Whether the portal holds an open connection from this port of the test's side. */
    boolean portalHoldsConnection(int clientPort) {
        for (Connector connector : ((JettyServer) server).getServer().getConnectors()) {
            if (connector instanceof AbstractConnector open && open.getConnectedEndPoints().stream()
                    .anyMatch(endPoint -> endPoint.isOpen() && endPoint.getRemoteSocketAddress()
                            instanceof InetSocketAddress remote && remote.getPort() == clientPort)) {
                return true;
            }
        }
        return false;
    }

    /** Waits up to {@code timeout} for the portal to close its side of the connection from {@code clientPort}. */
    void assertPortalClosesWithin(int clientPort, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (portalHoldsConnection(clientPort)) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }

}
