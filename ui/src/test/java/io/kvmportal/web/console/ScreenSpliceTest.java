package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The zero-copy screen path on real sockets: a unix socket as the screen (as QEMU's VNC socket is) and TCP as the
 * browser. The far ends are plain blocking channels playing QEMU and the browser.
 */
class ScreenSpliceTest {
    private Path dir;
    private SocketChannel screen;
    private SocketChannel qemu;
    private SocketChannel browser;
    private SocketChannel page;

    @BeforeEach
    void connect() throws IOException {
        dir = Files.createTempDirectory("kvmptest-splice-");
        UnixDomainSocketAddress vnc = UnixDomainSocketAddress.of(dir.resolve("vnc.sock"));
        try (ServerSocketChannel listening = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            listening.bind(vnc);
            screen = SocketChannel.open(vnc);
            qemu = listening.accept();
        }
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress("127.0.0.1", 0));
            page = SocketChannel.open(listening.getLocalAddress());
            browser = listening.accept();
        }
        // As in the portal, where Jetty's selectors own both near ends.
        screen.configureBlocking(false);
        browser.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel channel : new SocketChannel[] {screen, qemu, browser, page}) {
            if (channel != null) {
                channel.close();
            }
        }
        Files.deleteIfExists(dir.resolve("vnc.sock"));
        Files.deleteIfExists(dir);
    }

    @Test
    void theTestJvmCanSplice() {
        // The build exports sun.nio.ch to tests as the jar's manifest does to the portal; without it every test
        // of the relay would quietly take the copying path.
        assertTrue(ScreenSplice.support().available(), ScreenSplice.support().why());
    }

    @Test
    void whatTheScreenSendsReachesTheBrowserAsFramesBehindTheirHeaders() throws Exception {
        byte[] sent = random(3 << 20);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> write(qemu, sent));
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readFrames(page, sent.length));
        ScreenSplice splice = ScreenSplice.open(screen, browser);
        try {
            long relayed = 0;
            ByteBuffer header = ByteBuffer.allocate(ServerFrames.MAX_HEADER);
            while (relayed < sent.length) {
                long moved = splice.fromScreen();
                assertTrue(moved >= 0, "the screen ended early");
                if (moved == 0) {
                    Thread.sleep(1);
                    continue;
                }
                assertTrue(moved <= splice.capacity());
                ServerFrames.binaryHeader(header, (int) moved);
                while (header.hasRemaining()) {
                    splice.sendHeader(header);
                }
                for (long left = moved; left > 0; ) {
                    left -= splice.toBrowser(left);
                }
                relayed += moved;
            }
            writing.get(20, TimeUnit.SECONDS);
            assertArrayEquals(sent, received.get(20, TimeUnit.SECONDS));
        } finally {
            splice.close();
        }
    }

    @Test
    void aFullBrowserSocketTakesNothingAndThePipeCanBeCopiedOutInOrder() throws Exception {
        byte[] sent = random(32 << 20);
        browser.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> write(qemu, sent));
        ScreenSplice splice = ScreenSplice.open(screen, browser);
        try {
            long delivered = 0;
            long moved = 0;
            long took;
            // The page does not read: the browser's socket fills, and the splice then takes nothing.
            do {
                if (moved == 0) {
                    moved = splice.fromScreen();
                }
                took = splice.toBrowser(moved);
                moved -= took;
                delivered += took;
            } while (took > 0 || moved == 0);
            assertTrue(delivered < sent.length, "a socket that is not read took " + delivered + " bytes");
            ByteBuffer copy = ByteBuffer.allocate(ScreenToBrowser.STALLED_COPY).limit(0);
            int copied = splice.copyOut(copy, ScreenToBrowser.STALLED_COPY);
            assertEquals(Math.min(moved, ScreenToBrowser.STALLED_COPY), copied);
            byte[] expected = Arrays.copyOfRange(sent, (int) delivered, (int) delivered + copied);
            byte[] actual = new byte[copied];
            copy.get(actual);
            assertArrayEquals(expected, actual, "the pipe hands out the bytes that come next");
            assertArrayEquals(Arrays.copyOfRange(sent, 0, (int) delivered), readRaw(page, delivered));
        } finally {
            splice.close();
            qemu.close();
            writing.handle((done, failed) -> null).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theScreenHasNothingNowAndThenEnds() throws Exception {
        ScreenSplice splice = ScreenSplice.open(screen, browser);
        try {
            assertEquals(0, splice.fromScreen());
            qemu.close();
            assertEquals(-1, splice.fromScreen());
        } finally {
            splice.close();
        }
    }

    /** The console's own descriptors keep the sockets open: QEMU sees its screen closed once the splice lets go too. */
    @Test
    void theSocketsCloseOnlyOnceTheSpliceLetsGoOfThem() throws Exception {
        ScreenSplice splice = ScreenSplice.open(screen, browser);
        CompletableFuture<Integer> qemuReads = CompletableFuture.supplyAsync(() -> readOne(qemu));
        CompletableFuture<Integer> pageReads = CompletableFuture.supplyAsync(() -> readOne(page));
        try {
            screen.close();
            Thread.sleep(300);
            assertTrue(!qemuReads.isDone(), "the splice still holds the screen open");
            splice.closeScreen();
            assertEquals(-1, qemuReads.get(5, TimeUnit.SECONDS));
            assertEquals(-1, splice.fromScreen(), "a closed screen has nothing more");
            browser.close();
            Thread.sleep(300);
            assertTrue(!pageReads.isDone(), "the splice still holds the browser's socket open");
        } finally {
            splice.close();
        }
        assertEquals(-1, pageReads.get(5, TimeUnit.SECONDS));
        assertThrows(IOException.class, () -> splice.toBrowser(1), "a closed splice touches no descriptor");
    }

    private static int readOne(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static void write(SocketChannel channel, byte[] data) {
        try {
            ByteBuffer out = ByteBuffer.wrap(data);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException closed) {
            // a test that stops reading closes the screen's far end
        }
    }

    private static byte[] readRaw(SocketChannel channel, long length) throws IOException {
        ByteBuffer in = ByteBuffer.allocate((int) length);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                throw new IOException("closed after " + in.position());
            }
        }
        return in.array();
    }

    /** Server frames as a browser reads them: each a final binary frame with no mask; their payloads joined. */
    private static byte[] readFrames(SocketChannel channel, int total) {
        try {
            ByteArrayOutputStream payloads = new ByteArrayOutputStream(total);
            while (payloads.size() < total) {
                byte[] head = readRaw(channel, 2);
                assertEquals((byte) 0x82, head[0], "a final binary frame");
                int length = head[1] & 0x7f;
                long payload = length == 126 ? ByteBuffer.wrap(readRaw(channel, 2)).getShort() & 0xffff
                        : length == 127 ? ByteBuffer.wrap(readRaw(channel, 8)).getLong() : length;
                payloads.write(readRaw(channel, payload));
            }
            return payloads.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
