package io.kvmportal.web.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The frames the portal sends a browser on a console WebSocket: unmasked, unfragmented, no extensions. */
final class ServerFrames {
    /** A binary frame's header is at most this long: two bytes, and an eight-byte length. */
    static final int MAX_HEADER = 10;
    private static final int MAX_REASON_BYTES = 123;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PONG = 0xA;

    private ServerFrames() {
    }

    /** Writes the header of a final binary frame of {@code length} bytes into {@code header} (cleared first). */
    static ByteBuffer binaryHeader(ByteBuffer header, int length) {
        header.clear();
        putHeader(header, OP_BINARY, length);
        return header.flip();
    }

    /** Whether a frame this class made is a close frame. */
    static boolean isClose(ByteBuffer frame) {
        return (frame.get(frame.position()) & 0x0f) == OP_CLOSE;
    }

    static ByteBuffer pong(ByteBuffer payload) {
        return control(OP_PONG, payload);
    }

    /** A close frame with the code and as many of the words as fit, cut at a character. */
    static ByteBuffer close(int code, String words) {
        byte[] reason = fitReason(words).getBytes(StandardCharsets.UTF_8);
        return control(OP_CLOSE, ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).flip());
    }

    private static ByteBuffer control(int opcode, ByteBuffer payload) {
        ByteBuffer frame = ByteBuffer.allocate(2 + payload.remaining());
        putHeader(frame, opcode, payload.remaining());
        return frame.put(payload.duplicate()).flip();
    }

    private static void putHeader(ByteBuffer frame, int opcode, int length) {
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) length);
        } else if (length < 65536) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
    }

    /** The words cut to what a close frame holds (123 bytes of UTF-8), with "..." where they were cut. */
    static String fitReason(String words) {
        if (words.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return words;
        }
        String cut = words;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            cut = cut.substring(0, cut.offsetByCodePoints(cut.length(), -1));
        }
        return cut + "...";
    }
}
