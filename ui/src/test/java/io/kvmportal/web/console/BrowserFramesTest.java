package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The browser's frames read as the relay reads them: from one buffer of {@link ConsoleRelay#BROWSER_CHUNK} bytes in
 * Jetty's flush mode, that each read appends to (compacting it when its end is reached), however the network cut
 * the stream. What comes out must be the payload bytes and the control frames, and nothing else.
 */
class BrowserFramesTest {
    private static final Random RANDOM = new Random(6455);
    private static final byte[] CONSOLE_STREAM;
    private static final List<Item> CONSOLE_TRANSCRIPT;

    /** What the relay makes of a stream: the data bytes between two control frames, or a control frame. */
    record Item(BrowserFrames.Kind kind, byte[] bytes, int closeCode, String reason) {
        static Item data(byte[] bytes) {
            return new Item(BrowserFrames.Kind.DATA, bytes, 0, null);
        }

        static Item control(BrowserFrames.Kind kind, byte[] payload) {
            return new Item(kind, payload, 0, null);
        }

        static Item close(int code, String reason) {
            return new Item(BrowserFrames.Kind.CLOSE, new byte[0], code, reason);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Item item && kind == item.kind && Arrays.equals(bytes, item.bytes)
                    && closeCode == item.closeCode && java.util.Objects.equals(reason, item.reason);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return kind + "(" + bytes.length + " bytes, hash " + Integer.toHexString(Arrays.hashCode(bytes))
                    + (kind == BrowserFrames.Kind.CLOSE
                    ? ", " + closeCode + " '" + reason + "'" : "") + ")";
        }
    }

    static {
        Stream stream = new Stream();
        stream.binary(true, random(1));
        stream.binary(true, random(125));
        stream.control(0x9, random(4));
        stream.binary(true, random(126));
        stream.binary(true, random(1000));
        // A message in three fragments, with control frames between them (RFC 6455 5.4).
        stream.binary(false, random(10));
        stream.control(0x9, new byte[0]);
        stream.control(0xA, random(3));
        stream.continuation(false, new byte[0]);
        stream.continuation(true, random(200));
        stream.binary(true, random(65536));
        stream.binary(true, new byte[0]);
        stream.control(0x9, random(125));
        stream.close(1000, "bye ✓");
        CONSOLE_STREAM = stream.bytes();
        CONSOLE_TRANSCRIPT = stream.transcript();
    }

    @Test
    void theStreamWholeGivesThePayloadsAndTheControlFrames() throws Exception {
        assertEquals(CONSOLE_TRANSCRIPT, read(CONSOLE_STREAM, () -> Integer.MAX_VALUE));
        // The stream is what this test means it to be: three runs of data (the frames and fragments of each run
        // joined), with pings, a pong and a close between them.
        assertEquals(List.of("DATA 126", "PING 4", "DATA 1136", "PING 0", "PONG 3", "DATA 65736", "PING 125",
                "CLOSE 0"), CONSOLE_TRANSCRIPT.stream().map(item -> item.kind() + " " + item.bytes().length).toList());
    }

    @Test
    void theStreamOneByteAtATimeGivesTheSame() throws Exception {
        assertEquals(CONSOLE_TRANSCRIPT, read(CONSOLE_STREAM, () -> 1));
    }

    /** The network cuts the stream in two, at every place it can: in each header, mask, length and payload. */
    @Test
    void theStreamCutAnywhereGivesTheSame() throws Exception {
        for (int cut = 1; cut < CONSOLE_STREAM.length; cut++) {
            int[] pieces = {cut, Integer.MAX_VALUE};
            int[] next = {0};
            List<Item> read = read(CONSOLE_STREAM, () -> pieces[next[0]++]);
            if (!CONSOLE_TRANSCRIPT.equals(read)) {
                fail("cut at byte " + cut + ": " + read + " instead of " + CONSOLE_TRANSCRIPT);
            }
        }
    }

    @Test
    void theStreamInRandomPiecesGivesTheSame() throws Exception {
        Random sizes = new Random(17);
        for (int run = 0; run < 200; run++) {
            int largest = 1 + sizes.nextInt(run % 2 == 0 ? 20 : 40_000);
            assertEquals(CONSOLE_TRANSCRIPT, read(CONSOLE_STREAM, () -> 1 + sizes.nextInt(largest)), "run " + run);
        }
    }

    /** A frame's payload need not fit the buffer: it comes out in pieces, the mask carried across them. */
    @Test
    void aFrameLargerThanTheBufferComesOutInPieces() throws Exception {
        byte[] payload = random(5 * ConsoleRelay.BROWSER_CHUNK + 3);
        Stream stream = new Stream();
        stream.binary(true, payload);
        int pieces = 0;
        BrowserFrames frames = new BrowserFrames();
        ByteBuffer in = BufferUtil.allocate(ConsoleRelay.BROWSER_CHUNK);
        byte[] bytes = stream.bytes();
        int delivered = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < payload.length) {
            BrowserFrames.Event event = frames.next(in);
            if (event.kind() == BrowserFrames.Kind.NEED_MORE) {
                delivered += fill(in, bytes, delivered, Integer.MAX_VALUE);
            } else {
                assertEquals(BrowserFrames.Kind.DATA, event.kind());
                assertTrue(event.payload().remaining() <= ConsoleRelay.BROWSER_CHUNK);
                pieces++;
                out.write(copy(event.payload()));
            }
        }
        assertArrayEquals(payload, out.toByteArray());
        assertTrue(pieces > 5, pieces + " pieces");
        assertEquals(BrowserFrames.Kind.NEED_MORE, frames.next(in).kind());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aFrameAConsoleRefusesIsAViolationWithItsCloseCode(String what, byte[] stream, int code) {
        for (int piece : new int[] {Integer.MAX_VALUE, 1}) {
            BrowserFrames.Violation refused = assertThrows(BrowserFrames.Violation.class,
                    () -> read(stream, () -> piece), what);
            assertEquals(code, refused.closeCode(), what + ": " + refused.getMessage());
            assertTrue(!refused.getMessage().isBlank()
                    && ServerFrames.fitReason(refused.getMessage()).equals(refused.getMessage()),
                    "words that fit a close frame: " + refused.getMessage());
        }
    }

    static List<Arguments> violations() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(violation("an unmasked binary frame", 1002, new Stream().unmasked(0x82, random(5))));
        cases.add(violation("an unmasked close frame", 1002, new Stream().unmasked(0x88, new byte[] {3, (byte) 232})));
        for (int rsv : new int[] {0x40, 0x20, 0x10}) {
            cases.add(violation("reserved bit " + Integer.toHexString(rsv), 1002,
                    new Stream().frame(0x82 | rsv, random(3))));
        }
        cases.add(violation("a text frame", 1003, new Stream().frame(0x81, "hello".getBytes(StandardCharsets.UTF_8))));
        cases.add(violation("an empty text frame", 1003, new Stream().frame(0x81, new byte[0])));
        for (int opcode : new int[] {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            cases.add(violation("opcode " + Integer.toHexString(opcode), 1002,
                    new Stream().frame(0x80 | opcode, random(2))));
        }
        cases.add(violation("a fragmented ping", 1002, new Stream().frame(0x09, random(2))));
        cases.add(violation("a fragmented close", 1002, new Stream().frame(0x08, new byte[] {3, (byte) 232})));
        cases.add(violation("a ping of 126 bytes", 1002, new Stream().frame(0x89, random(126))));
        cases.add(violation("a close of 126 bytes", 1002, new Stream().frame(0x88, closePayload(1000, "x".repeat(124)))));
        cases.add(violation("a continuation without a message", 1002, new Stream().continuation(true, random(4))));
        cases.add(violation("a continuation after a whole message", 1002,
                new Stream().binary(true, random(4)).continuation(true, random(4))));
        cases.add(violation("a new message inside a fragmented one", 1002,
                new Stream().binary(false, random(4)).binary(true, random(4))));
        cases.add(violation("a text message inside a fragmented one", 1003,
                new Stream().binary(false, random(4)).frame(0x81, random(4))));
        byte[] topBit = {(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 9};
        cases.add(Arguments.of("a 64-bit length with its top bit set", topBit, 1002));
        byte[] shortIn16Bits = {(byte) 0x82, (byte) (0x80 | 126), 0, 125, 1, 2, 3, 4};
        cases.add(Arguments.of("a length under 126 written in 16 bits", shortIn16Bits, 1002));
        byte[] shortIn64Bits = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
        cases.add(Arguments.of("a length under 65536 written in 64 bits", shortIn64Bits, 1002));
        cases.add(violation("a close frame with one byte", 1002, new Stream().frame(0x88, new byte[] {3})));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
            cases.add(violation("close code " + code, 1002, new Stream().frame(0x88, closePayload(code, ""))));
        }
        for (byte[] notUtf8 : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {'o', 'k', (byte) 0xe2, (byte) 0x9c}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})) {
            byte[] payload = ByteBuffer.allocate(2 + notUtf8.length).putShort((short) 1000).put(notUtf8).array();
            cases.add(violation("a close reason of bytes " + Arrays.toString(notUtf8), 1007,
                    new Stream().frame(0x88, payload)));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("closes")
    void aCloseFrameGivesItsCodeAndReason(int code, String reason) throws Exception {
        byte[] stream = new Stream().close(code, reason).bytes();
        assertEquals(List.of(Item.close(code, reason)), read(stream, () -> Integer.MAX_VALUE));
        assertEquals(List.of(Item.close(code, reason)), read(stream, () -> 1));
    }

    static List<Arguments> closes() {
        return List.of(Arguments.of(1000, ""), Arguments.of(1000, "bye"), Arguments.of(1001, "away"),
                Arguments.of(1003, "x"), Arguments.of(1007, ""), Arguments.of(1014, ""), Arguments.of(3000, "app"),
                Arguments.of(4000, "ünïcødé ✓ 😀"), Arguments.of(4999, "x".repeat(123)));
    }

    @Test
    void anEmptyCloseFrameIs1005() throws Exception {
        byte[] stream = new Stream().frame(0x88, new byte[0]).bytes();
        assertEquals(List.of(Item.close(1005, "")), read(stream, () -> Integer.MAX_VALUE));
    }

    /** Until a frame's header (and a control frame's payload) is whole, nothing is taken from the buffer. */
    @Test
    void needMoreTakesNothing() throws Exception {
        byte[] ping = new Stream().control(0x9, random(100)).bytes();
        for (int length = 0; length < ping.length; length++) {
            BrowserFrames frames = new BrowserFrames();
            ByteBuffer in = ByteBuffer.wrap(ping, 0, length);
            assertEquals(BrowserFrames.Kind.NEED_MORE, frames.next(in).kind(), "with " + length + " bytes");
            assertEquals(0, in.position(), "with " + length + " bytes");
        }
    }

    /**
     * Reads {@code stream} as the relay does: {@link ConsoleRelay.FromBrowser} keeps one buffer and fills it,
     * through Jetty's {@code EndPoint.fill}, whenever the reader needs more. {@code pieces} says how many bytes the
     * network delivers at a time (a read takes at most what the buffer has room for).
     */
    private static List<Item> read(byte[] stream, IntSupplier pieces) throws BrowserFrames.Violation {
        BrowserFrames frames = new BrowserFrames();
        ByteBuffer in = BufferUtil.allocate(ConsoleRelay.BROWSER_CHUNK);
        List<Item> items = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int delivered = 0;
        int pieceLeft = 0;
        while (true) {
            int before = in.position();
            BrowserFrames.Event event = frames.next(in);
            switch (event.kind()) {
                case NEED_MORE -> {
                    assertEquals(before, in.position(), "NEED_MORE takes nothing");
                    if (delivered == stream.length) {
                        flushData(data, items);
                        assertEquals(0, in.remaining(), "bytes left unread at the end");
                        return items;
                    }
                    if (pieceLeft == 0) {
                        pieceLeft = Math.min(pieces.getAsInt(), stream.length - delivered);
                    }
                    int filled = fill(in, stream, delivered, pieceLeft);
                    assertTrue(filled > 0, "a reader that needs more leaves room for more");
                    delivered += filled;
                    pieceLeft -= filled;
                }
                case DATA -> {
                    ByteBuffer slice = event.payload();
                    data.write(slice.array(), slice.arrayOffset() + slice.position(), slice.remaining());
                }
                case PING, PONG -> {
                    flushData(data, items);
                    items.add(Item.control(event.kind(), copy(event.payload())));
                }
                case CLOSE -> {
                    flushData(data, items);
                    items.add(Item.close(event.closeCode(), event.reason()));
                }
                default -> fail(event.kind().name());
            }
        }
    }

    /** As Jetty's ChannelEndPoint.fill: append to a buffer in flush mode, compacting it when its end is reached. */
    private static int fill(ByteBuffer in, byte[] stream, int from, int most) {
        int position = BufferUtil.flipToFill(in);
        try {
            int length = Math.min(Math.min(most, in.remaining()), stream.length - from);
            in.put(stream, from, length);
            return length;
        } finally {
            BufferUtil.flipToFlush(in, position);
        }
    }

    private static void flushData(ByteArrayOutputStream data, List<Item> items) {
        if (data.size() > 0) {
            items.add(Item.data(data.toByteArray()));
            data.reset();
        }
    }

    private static byte[] copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] words = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + words.length).putShort((short) code).put(words).array();
    }

    private static Arguments violation(String what, int code, Stream stream) {
        return Arguments.of(what, stream.bytes(), code);
    }

    /**
     * A browser's side of a console, frame by frame, with the transcript the relay should make of it. Lengths are
     * in the shortest form RFC 6455 allows, so a payload's size picks the 7-, 16- or 64-bit length.
     */
    static final class Stream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Item> transcript = new ArrayList<>();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Stream binary(boolean fin, byte[] payload) {
            data.writeBytes(payload);
            return frame((fin ? 0x80 : 0) | 0x2, payload);
        }

        Stream continuation(boolean fin, byte[] payload) {
            data.writeBytes(payload);
            return frame(fin ? 0x80 : 0, payload);
        }

        Stream control(int opcode, byte[] payload) {
            flushData(data, transcript);
            transcript.add(Item.control(opcode == 0x9 ? BrowserFrames.Kind.PING : BrowserFrames.Kind.PONG, payload));
            return frame(0x80 | opcode, payload);
        }

        Stream close(int code, String reason) {
            flushData(data, transcript);
            transcript.add(Item.close(code, reason));
            return frame(0x88, closePayload(code, reason));
        }

        /** A frame with this first byte (FIN, RSV, opcode), masked with a random key. */
        Stream frame(int first, byte[] payload) {
            byte[] mask = random(4);
            header(first, 0x80, payload.length);
            bytes.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                bytes.write(payload[i] ^ mask[i & 3]);
            }
            return this;
        }

        Stream unmasked(int first, byte[] payload) {
            header(first, 0, payload.length);
            bytes.writeBytes(payload);
            return this;
        }

        private void header(int first, int maskBit, int length) {
            bytes.write(first);
            if (length < 126) {
                bytes.write(maskBit | length);
            } else if (length < 65536) {
                bytes.write(maskBit | 126);
                bytes.writeBytes(ByteBuffer.allocate(2).putShort((short) length).array());
            } else {
                bytes.write(maskBit | 127);
                bytes.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
            }
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        List<Item> transcript() {
            List<Item> all = new ArrayList<>(transcript);
            flushData(data, all);
            return all;
        }
    }
}
