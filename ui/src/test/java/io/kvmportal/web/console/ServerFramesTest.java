package io.kvmportal.web.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The frames the portal sends, byte by byte as RFC 6455 lays them out: unmasked, FIN set, shortest length. */
class ServerFramesTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("headers")
    void aBinaryHeaderUsesTheShortestLength(int length, String header) {
        ByteBuffer buffer = ByteBuffer.allocate(ServerFrames.MAX_HEADER);
        // A header buffer is reused for every frame: what a longer header left in it must not show.
        ServerFrames.binaryHeader(buffer, Integer.MAX_VALUE);
        assertEquals(header, HEX.formatHex(bytes(ServerFrames.binaryHeader(buffer, length))));
    }

    static List<Arguments> headers() {
        return List.of(Arguments.of(0, "8200"), Arguments.of(1, "8201"), Arguments.of(125, "827d"),
                Arguments.of(126, "827e007e"), Arguments.of(65535, "827effff"),
                Arguments.of(65536, "827f0000000000010000"),
                Arguments.of(ConsoleRelay.CHUNK, "827f0000000000010000"),
                Arguments.of(Integer.MAX_VALUE, "827f000000007fffffff"));
    }

    @Test
    void aPongCarriesThePingsPayloadAndLeavesItUnread() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {1, 2, 3});
        assertEquals("8a03010203", HEX.formatHex(bytes(ServerFrames.pong(payload))));
        assertEquals(0, payload.position());
        assertEquals("8a00", HEX.formatHex(bytes(ServerFrames.pong(ByteBuffer.allocate(0)))));
        byte[] largest = new byte[125];
        java.util.Arrays.fill(largest, (byte) 7);
        byte[] pong = bytes(ServerFrames.pong(ByteBuffer.wrap(largest)));
        assertEquals("8a7d", HEX.formatHex(pong, 0, 2));
        assertArrayEquals(largest, java.util.Arrays.copyOfRange(pong, 2, pong.length));
    }

    @Test
    void aCloseFrameIsTheCodeThenTheWordsInUtf8() {
        assertEquals("880203e8", HEX.formatHex(bytes(ServerFrames.close(1000, ""))));
        assertEquals("88050fa0" + HEX.formatHex("ok!".getBytes(StandardCharsets.US_ASCII)),
                HEX.formatHex(bytes(ServerFrames.close(4000, "ok!"))));
        assertEquals("8806113dc3a9c3a9", HEX.formatHex(bytes(ServerFrames.close(4413, "éé"))));
    }

    @Test
    void aCloseFrameWithLongWordsStaysAControlFrame() {
        byte[] frame = bytes(ServerFrames.close(1011, "✓".repeat(200)));
        assertEquals(0x88, frame[0] & 0xff);
        assertEquals(frame.length - 2, frame[1], "a 7-bit length, and nothing after the payload");
        assertTrue(frame[1] <= 125, "a control frame's payload is at most 125 bytes: " + frame[1]);
        assertEquals(1011, ((frame[2] & 0xff) << 8) | (frame[3] & 0xff));
        String words = decodeStrictly(ByteBuffer.wrap(frame, 4, frame.length - 4));
        assertEquals("✓".repeat(40) + "...", words);
    }

    @Test
    void fitReasonKeepsWhatFits() {
        assertEquals("", ServerFrames.fitReason(""));
        assertEquals("x".repeat(123), ServerFrames.fitReason("x".repeat(123)));
        assertEquals("a" + "é".repeat(61), ServerFrames.fitReason("a" + "é".repeat(61)));
        assertEquals("✓".repeat(41), ServerFrames.fitReason("✓".repeat(41)));
    }

    /** Cut to 120 bytes and "...", never inside a character: a close reason must be valid UTF-8. */
    @Test
    void fitReasonCutsAtACharacter() {
        assertEquals("x".repeat(120) + "...", ServerFrames.fitReason("x".repeat(124)));
        assertEquals("é".repeat(60) + "...", ServerFrames.fitReason("é".repeat(100)));
        // 1 + 2 * 60 = 121 bytes would not fit, so the 60th é goes whole.
        assertEquals("a" + "é".repeat(59) + "...", ServerFrames.fitReason("a" + "é".repeat(62)));
        assertEquals("✓".repeat(40) + "...", ServerFrames.fitReason("✓".repeat(42)));
        // Four bytes, two Java chars: a cut between the chars of a pair would leave half a character.
        assertEquals("ab" + "😀".repeat(29) + "...", ServerFrames.fitReason("ab" + "😀".repeat(40)));
        for (String words : List.of("é".repeat(100), "a" + "é".repeat(62), "ab" + "😀".repeat(40),
                "x" + "✓😀é".repeat(30))) {
            String cut = ServerFrames.fitReason(words);
            byte[] utf8 = cut.getBytes(StandardCharsets.UTF_8);
            assertTrue(utf8.length <= 123, cut);
            assertEquals(cut, decodeStrictly(ByteBuffer.wrap(utf8)));
            assertTrue(words.startsWith(cut.substring(0, cut.length() - 3)) && cut.endsWith("..."), cut);
            assertTrue(utf8.length > 123 - 4 - 3, "cut no more than one character too many: " + cut);
        }
    }

    private static String decodeStrictly(ByteBuffer utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError("not UTF-8", e);
        }
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.duplicate().get(bytes);
        return bytes;
    }
}
