package io.kvmportal.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.RefusalKind;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's screen socket with a stand-in for the agent that does what the agent does on the wire: connects,
 * writes the ticket, and (as QEMU then would) RFB's first line, in one write.
 */
class ScreenSocketTest {
    private static final byte[] RFB = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
    private static final UUID GUEST = UUID.randomUUID();
    @TempDir
    Path dir;
    private ScreenSocket socket;
    private final AtomicReference<byte[]> lastTicket = new AtomicReference<>();

    @BeforeEach
    void listen() {
        socket = new ScreenSocket(configuration(dir.resolve("screens.sock")), new SecureRandom());
    }

    @AfterEach
    void close() {
        socket.close();
    }

    @Test
    void theScreenArrivesWithEverythingAfterTheTicket() throws Exception {
        GuestScreens screens = new AgentGuestScreens(agent(this::handOver), socket);

        try (SocketChannel screen = screens.connect(GUEST, "alice")) {
            assertTrue(screen.isBlocking(), "blocking, as a guest's VNC socket was");
            assertArrayEquals(RFB, read(screen, RFB.length), "the portal read the ticket and not a byte more");
        }
    }

    @Test
    void aSilentConnectionHoldsUpNoOtherAndIsClosedInTime() throws Exception {
        GuestScreens screens = new AgentGuestScreens(agent(this::handOver), socket);
        try (SocketChannel silent = connect()) {
            long start = System.nanoTime();
            try (SocketChannel screen = screens.connect(GUEST, "alice")) {
                assertArrayEquals(RFB, read(screen, RFB.length));
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(ScreenArrivals.TICKET_WAIT) < 0,
                    "the hand-over did not wait for the silent connection");

            assertEquals(-1, read(silent, ScreenArrivals.TICKET_WAIT.multipliedBy(3)), "closed, having sent nothing");
        }
    }

    @Test
    void anUnknownTicketIsClosed() throws Exception {
        try (SocketChannel stranger = connect()) {
            write(stranger, new byte[HostAgent.SCREEN_TICKET_BYTES]);

            assertEquals(-1, read(stranger, Duration.ofSeconds(5)));
        }
    }

    @Test
    void aRefusalOfTheAgentReachesTheCallerAndItsTicketIsWithdrawn() throws Exception {
        HostRefusedException refusal = new HostRefusedException(RefusalKind.NOT_RUNNING, "The guest is not running.");
        GuestScreens screens = new AgentGuestScreens(agent(ticket -> {
            lastTicket.set(ticket);
            throw refusal;
        }), socket);

        assertSame(refusal, assertThrows(HostRefusedException.class, () -> screens.connect(GUEST, "alice")));

        try (SocketChannel late = connect()) {
            write(late, lastTicket.get());
            assertEquals(-1, read(late, Duration.ofSeconds(5)), "a withdrawn ticket opens nothing");
        }
    }

    @Test
    void noArrivalEndsInTimeWithWords() {
        GuestScreens screens = new AgentGuestScreens(agent(lastTicket::set), socket, Duration.ofMillis(300));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> screens.connect(GUEST, "alice"));

        assertTrue(e.getMessage().startsWith("the host agent handed no screen over within 300 ms"), e.getMessage());
    }

    @Test
    void aStaleSocketIsReplacedAndTheFileGoesAtClose() throws Exception {
        Path path = dir.resolve("stale.sock");
        ServerSocketChannel previous = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        previous.bind(UnixDomainSocketAddress.of(path));
        previous.close(); // as a portal killed with -9 leaves it: the file stays, nobody listens

        ScreenSocket replacing = new ScreenSocket(configuration(path), new SecureRandom());
        try (SocketChannel connection = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertTrue(connection.isConnected(), "the new portal listens there");
        } finally {
            replacing.close();
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void aFileALinkOrALiveSocketAtThePathIsLeftAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("file.sock"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), file);

        for (Path path : new Path[] {file, link, socket.path()}) {
            ScreenSocket other = new ScreenSocket(configuration(path), new SecureRandom());
            IllegalStateException e = assertThrows(IllegalStateException.class, other::expect);
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
            other.close();
        }
        assertEquals("keep", Files.readString(file));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(connect().isConnected(), "the first portal still listens");
    }

    @Test
    void noDirectoryNoConsolesButThePortalStarts() {
        ScreenSocket homeless = new ScreenSocket(configuration(dir.resolve("missing/screens.sock")),
                new SecureRandom());

        IllegalStateException e = assertThrows(IllegalStateException.class, homeless::expect);

        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("missing")), "the portal makes nothing outside its directory");
        homeless.close();
    }

    /** What the agent does on the wire; the screen's first bytes come in the same write as the ticket. */
    private void handOver(byte[] ticket) {
        try {
            SocketChannel agent = connect();
            ByteBuffer bytes = ByteBuffer.allocate(ticket.length + RFB.length).put(ticket).put(RFB).flip();
            write(agent, bytes.array());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket.path()));
    }

    private interface HandOver {
        void handScreen(byte[] ticket);
    }

    /** A HostAgent whose handScreen is {@code handOver}; the rest is not this test's. */
    private static HostAgent agent(HandOver handOver) {
        return (HostAgent) Proxy.newProxyInstance(HostAgent.class.getClassLoader(), new Class<?>[] {HostAgent.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("handScreen")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    assertEquals(GUEST, args[0]);
                    assertEquals("alice", args[1]);
                    handOver.handScreen((byte[]) args[2]);
                    return null;
                });
    }

    private static ConsoleConfiguration configuration(Path socket) {
        ConsoleConfiguration configuration = new ConsoleConfiguration();
        configuration.setScreenSocket(socket);
        return configuration;
    }

    private static byte[] read(SocketChannel channel, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
            // until the length or the end
        }
        return bytes.array();
    }

    /** The first read's result within {@code timeout}: -1 for the end, else the bytes read; 0 if nothing came. */
    private static int read(SocketChannel channel, Duration timeout) throws Exception {
        channel.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int read = channel.read(ByteBuffer.allocate(64));
            if (read != 0) {
                return read;
            }
            Thread.sleep(10);
        }
        return 0;
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
