package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Stopping the portal ends each open console with 1001 and words, while the browser's connection can still carry
 * the close frame: Micronaut stops the web server before it shuts the context down, so ending consoles at the
 * context's shutdown alone would come too late. A class of its own, since its test stops the server.
 */
@MicronautTest(transactional = false)
class ConsolePortalStopTest extends FakeScreenPortal {

    @Test
    void stoppingThePortalClosesOpenConsolesWith1001() throws Exception {
        try (RawWebSocket browser = RawWebSocket.open(server.getPort(), ticketPath(), 0, "Origin", client.origin(),
                "Cookie", session); SocketChannel guest = acceptScreen()) {
            guest.write(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(0x2, browser.readFrame(SECOND).opcode(), "the console relays");
            server.stop();
            RawWebSocket.Frame close = browser.readFrame(Duration.ofSeconds(5));
            assertEquals(0x8, close.opcode(), "a close frame");
            assertEquals(1001, close.closeCode());
            assertEquals("The portal is shutting down.", close.closeReason());
            assertScreenClosed(guest, Duration.ofSeconds(5));
            assertTrue(browser.closedWithin(Duration.ofSeconds(10)), "the portal's side is gone");
        }
    }

    /** The server is stopped by the test itself, which checks that its console ended; there is nothing to ask. */
    @Override
    void noConsoleLeftOpen() {
    }
}
