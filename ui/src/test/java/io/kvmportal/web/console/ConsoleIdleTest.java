package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Consoles with an idle timeout of a second: a quiet console is closed with 1001, and a browser that stopped
 * reading, so that not even the close frame reaches it, is cut off rather than kept forever.
 */
@MicronautTest(transactional = false)
class ConsoleIdleTest extends FakeScreenPortal {
    private static final Duration IDLE = Duration.ofSeconds(1);

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.console.idle-timeout", IDLE.toMillis() + "ms");
        return properties;
    }

    @Test
    void aQuietConsoleIsClosedWith1001() throws Exception {
        try (RawWebSocket browser = RawWebSocket.open(server.getPort(), ticketPath(), 0, "Origin", client.origin(),
                "Cookie", session); SocketChannel guest = acceptScreen()) {
            RawWebSocket.Frame close = browser.readFrame(IDLE.multipliedBy(5));
            assertEquals(0x8, close.opcode());
            assertEquals(1001, close.closeCode());
            assertEquals("The console was idle for too long.", close.closeReason());
            assertScreenClosed(guest, SECOND);
            assertNoConsoleWithin(SECOND);
        }
    }

    /**
     * The screen fills the socket of a browser that does not read. The idle timeout ends the console, but its close
     * frame cannot get through either: the portal must then drop the connection, which it otherwise holds (and a
     * buffer with it) for as long as the browser likes.
     */
    @Test
    void aBrowserThatStoppedReadingIsCutOff() throws Exception {
        try (RawWebSocket stalled = RawWebSocket.open(server.getPort(), ticketPath(), 4096, "Origin", client.origin(),
                "Cookie", session); SocketChannel guest = acceptScreen()) {
            guest.configureBlocking(false);
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            long lastProgress = System.nanoTime();
            while (System.nanoTime() - lastProgress < IDLE.dividedBy(2).toNanos()) {
                if (guest.write(block.clear()) > 0) {
                    lastProgress = System.nanoTime();
                }
                Thread.sleep(5);
            }
            assertTrue(portalHoldsConnection(stalled.localPort()), "no connection from the browser's port");
            assertScreenClosed(guest, IDLE.multipliedBy(5));
            assertNoConsoleWithin(SECOND);
            assertPortalClosesWithin(stalled.localPort(), IDLE.multipliedBy(5), "the portal still holds the "
                    + "connection of a browser that stopped reading, " + IDLE.multipliedBy(5) + " after its console ended");
        }
    }
}
