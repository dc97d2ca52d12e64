package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's WebSocket client: draining in the kernel ({@link KernelDiscard}) must count payloads as reading
 * them does, in every length form, and leave the stream at the next frame's start.
 */
class RawWebSocketTest {
    /** Payloads in all three length forms (7-bit, 16-bit, 64-bit), the largest over a megabyte. */
    private static final int[] SIZES = {5, 125, 126, 4000, 65535, 65536, 3 << 20};

    @Test
    void drainingInTheKernelCountsEveryPayloadAndStopsAtTheNextFrame() throws Exception {
        assertDrains(true);
    }

    @Test
    void drainingByReadingCountsEveryPayloadAndStopsAtTheNextFrame() throws Exception {
        assertDrains(false);
    }

    @Test
    void drainingInTheKernelSaysSoWhenTheServerClosesFirst() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> serve(server, 1000, false));
            try (RawWebSocket socket = RawWebSocket.open(server.getLocalPort(), "/", 0)) {
                assertFalse(socket.drainInKernel(2000));
            }
            serving.get(10, TimeUnit.SECONDS);
        }
    }

    private static void assertDrains(boolean inKernel) throws Exception {
        long total = 0;
        for (int size : SIZES) {
            total += size;
        }
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> serve(server, 0, true));
            try (RawWebSocket socket = RawWebSocket.open(server.getLocalPort(), "/", 0)) {
                assertTrue(inKernel ? socket.drainInKernel(total) : socket.drain(total));
                RawWebSocket.Frame next = socket.readFrame(Duration.ofSeconds(10));
                assertEquals(0x2, next.opcode());
                assertArrayEquals("next".getBytes(StandardCharsets.US_ASCII), next.payload());
            }
            serving.get(10, TimeUnit.SECONDS);
        }
    }

    /** Answers the handshake, then sends the {@link #SIZES} frames and "next" ({@code all}), or {@code only} bytes. */
    private static void serve(ServerSocket server, int only, boolean all) {
        try (Socket client = server.accept()) {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            while (!request.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                request.write(in.read());
            }
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (all) {
                for (int size : SIZES) {
                    out.write(frame(new byte[size]));
                }
                out.write(frame("next".getBytes(StandardCharsets.US_ASCII)));
                out.flush();
                in.read();
            } else {
                out.write(frame(new byte[only]));
            }
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    private static byte[] frame(byte[] payload) {
        ByteBuffer frame = RawWebSocket.frame(0x82, false, payload);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }
}
