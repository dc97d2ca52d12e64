package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.host.guest.GuestCommandException;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running guest's screen handed to a listener as the portal would have it (a unix socket in a directory of its
 * own), with a real QEMU under TCG: the connection carries the ticket and then QEMU's RFB, and a VNC handshake
 * completes on it after the host has closed its own copy. A listener of another uid, a stopped guest, another login
 * and a host without the portal's socket get nothing.
 */
class HostScreenHandOverTest {
    private static final long TIMEOUT_NANOS = 30_000_000_000L;
    private final String login = TestNames.random();
    private final String other = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    private final byte[] ticket = new byte[HostAgent.SCREEN_TICKET_BYTES];
    @TempDir
    Path portalDir;
    private Path socket;
    private ServerSocketChannel listener;
    private ScratchHost scratch;

    @BeforeEach
    void listen() throws IOException {
        new SecureRandom().nextBytes(ticket);
        socket = portalDir.resolve("screens.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        listener.configureBlocking(false);
    }

    @AfterEach
    void removeEverything() throws IOException {
        listener.close();
        if (scratch != null) {
            scratch.remove(uuid, login, other);
        }
    }

    @Test
    void theListenerGetsTheTicketThenQemusScreen() throws Exception {
        Host host = runningGuest(ourUid());

        host.handScreen(uuid, login, ticket);

        try (SocketChannel screen = accept()) {
            assertArrayEquals(ticket, read(screen, ticket.length), "the ticket first, exactly");
            assertEquals("RFB 003.008\n", text(read(screen, 12)), "then QEMU's VNC server");
            write(screen, "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int types = read(screen, 1)[0];
            byte[] offered = read(screen, types);
            assertEquals(1, offered[0], "no VNC password on a handed-over screen (skipauth)");
            write(screen, new byte[] {1});
            assertArrayEquals(new byte[4], read(screen, 4), "security result OK: the handshake completes");
        }
    }

    @Test
    void aListenerOfAnotherUidIsNotGivenTheScreen() throws Exception {
        Host host = runningGuest(ourUid() + 4242);

        GuestCommandException refused = assertThrows(GuestCommandException.class,
                () -> host.handScreen(uuid, login, ticket));

        assertTrue(refused.getMessage().contains("served by uid " + ourUid() + ", not the portal's uid "
                + (ourUid() + 4242)), refused.getMessage());
        try (SocketChannel screen = accept()) {
            assertEquals(-1, screen.read(ByteBuffer.allocate(1)), "closed without a byte, not even the ticket");
        }
    }

    @Test
    void aStoppedGuestAnotherLoginOrABadTicketGetNothing() throws Exception {
        Host host = runningGuest(ourUid());

        assertThrows(GuestCommandException.class, () -> host.handScreen(uuid, login, new byte[7]));
        GuestCommandException noAccount = assertThrows(GuestCommandException.class,
                () -> host.handScreen(uuid, other, ticket));
        assertTrue(noAccount.getMessage().contains("does not run as kvmp-" + other), noAccount.getMessage());
        host.prepareAccount(other);
        GuestCommandException notTheirs = assertThrows(GuestCommandException.class,
                () -> host.handScreen(uuid, other, ticket));
        assertTrue(notTheirs.getMessage().contains("does not run as kvmp-" + other), notTheirs.getMessage());
        host.forceOff(uuid);
        GuestCommandException stopped = assertThrows(GuestCommandException.class,
                () -> host.handScreen(uuid, login, ticket));

        assertEquals(GuestCommandException.Kind.NOT_RUNNING, stopped.kind());
        assertNull(listener.accept(), "nobody connected to the portal");
    }

    @Test
    void aHostWithoutThePortalsSocketSaysConsolesAreUnavailable() throws Exception {
        scratch = new ScratchHost(Accelerator.TCG, (guest, exit) -> { });

        GuestCommandException refused = assertThrows(GuestCommandException.class,
                () -> scratch.host().handScreen(uuid, login, ticket));

        assertTrue(refused.getMessage().startsWith("Consoles are unavailable"), refused.getMessage());
    }

    /** A guest with an empty disk: SeaBIOS finds nothing to boot, but QEMU's VNC server runs from the start. */
    private Host runningGuest(int portalUid) throws IOException {
        scratch = new ScratchHost(Accelerator.TCG, (guest, exit) -> { }, socket, portalUid);
        Host host = scratch.host();
        host.createDisk(uuid, login, Optional.empty(), 16L << 20);
        host.start(new GuestDefinition(uuid, "kvmptest-screen", login, 1, 64, new BootSource.FromDisk(), Nic.NONE));
        return host;
    }

    private int ourUid() throws IOException {
        return (Integer) Files.getAttribute(portalDir, "unix:uid");
    }

    private SocketChannel accept() throws IOException {
        SocketChannel accepted = listener.accept();
        if (accepted == null) {
            throw new AssertionError("the host did not connect to the portal's socket");
        }
        accepted.configureBlocking(false);
        return accepted;
    }

    private static byte[] read(SocketChannel channel, int length) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (bytes.hasRemaining()) {
            if (channel.read(bytes) < 0 || System.nanoTime() > deadline) {
                throw new AssertionError("got " + bytes.position() + " of " + length + " bytes");
            }
            Thread.sleep(1);
        }
        return bytes.array();
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
