package io.kvmportal.web.console;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the browser's half of a console WebSocket: RFC 6455 frames from a client, without extensions, taken from a
 * buffer as they arrive. Binary payloads come out as slices of that buffer, unmasked in place and in whatever
 * pieces the network delivers; a VNC stream has no use for message boundaries, so none are kept and no message is
 * ever held whole. Control frames come out whole. Anything RFC 6455 forbids a client, or that a console does not
 * carry (text), is a {@link Violation} with the close code and words to answer it with.
 */
final class BrowserFrames {
    static final int PROTOCOL_ERROR = 1002;
    static final int UNSUPPORTED_DATA = 1003;
    static final int INVALID_PAYLOAD = 1007;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;

    private final byte[] mask = new byte[4];
    /** What is left of the current data frame's payload, and where in the mask its next byte falls. */
    private long payloadLeft;
    private int maskAt;
    /** A binary message whose last frame has not come yet: only continuation frames (and control) may follow. */
    private boolean inMessage;

    enum Kind { DATA, PING, PONG, CLOSE, NEED_MORE }

    /** One thing read: data (a slice of the buffer), a control frame, or "the buffer holds no whole next step". */
    record Event(Kind kind, ByteBuffer payload, int closeCode, String reason) {
        static final Event NEED_MORE = new Event(Kind.NEED_MORE, null, 0, null);
    }

    /** A frame a console refuses; the close code and the words to send back. */
    static final class Violation extends Exception {
        private final int closeCode;

        Violation(int closeCode, String words) {
            super(words);
            this.closeCode = closeCode;
        }

        int closeCode() {
            return closeCode;
        }
    }

    /**
     * The next event from {@code in} (read mode), consuming what it returns. A data slice stays valid until
     * {@code in} is written to again. NEED_MORE consumes nothing: fill {@code in} and call again.
     */
    Event next(ByteBuffer in) throws Violation {
        if (payloadLeft > 0) {
            return in.hasRemaining() ? data(in) : Event.NEED_MORE;
        }
        if (in.remaining() < 2) {
            return Event.NEED_MORE;
        }
        int at = in.position();
        int first = in.get(at) & 0xff;
        int second = in.get(at + 1) & 0xff;
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0f;
        if ((first & 0x70) != 0) {
            throw new Violation(PROTOCOL_ERROR, "Reserved bits are set, and no extension was agreed.");
        }
        if ((second & 0x80) == 0) {
            throw new Violation(PROTOCOL_ERROR, "A browser's frames must be masked.");
        }
        int shortLength = second & 0x7f;
        int lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
        int header = 2 + lengthBytes + 4;
        if (in.remaining() < header) {
            return Event.NEED_MORE;
        }
        long length = shortLength;
        if (lengthBytes == 2) {
            length = in.getShort(at + 2) & 0xffff;
        } else if (lengthBytes == 8) {
            length = in.getLong(at + 2);
            if (length < 0) {
                throw new Violation(PROTOCOL_ERROR, "A frame's length has its top bit set.");
            }
        }
        if (lengthBytes == 2 && length < 126 || lengthBytes == 8 && length <= 0xffff) {
            // RFC 6455 5.2: the minimal number of bytes MUST be used; a browser always does.
            throw new Violation(PROTOCOL_ERROR, "A frame's length is not written in the fewest bytes.");
        }
        boolean control = (opcode & 0x8) != 0;
        checkOpcode(opcode, fin, length);
        if (control && in.remaining() < header + length) {
            return Event.NEED_MORE;
        }
        in.get(at + header - 4, mask);
        in.position(at + header);
        if (control) {
            return control(opcode, in, (int) length);
        }
        inMessage = !fin;
        payloadLeft = length;
        maskAt = 0;
        return length == 0 ? new Event(Kind.DATA, ByteBuffer.allocate(0), 0, null) : data(in);
    }

    private void checkOpcode(int opcode, boolean fin, long length) throws Violation {
        switch (opcode) {
            case OP_CONTINUATION -> {
                if (!inMessage) {
                    throw new Violation(PROTOCOL_ERROR, "A continuation frame came without a message to continue.");
                }
            }
            case OP_BINARY -> {
                if (inMessage) {
                    throw new Violation(PROTOCOL_ERROR, "A new message began before the last one ended.");
                }
            }
            case OP_TEXT -> throw new Violation(UNSUPPORTED_DATA, "The console carries binary messages only.");
            case OP_CLOSE, OP_PING, OP_PONG -> {
                if (!fin || length > MAX_CONTROL_PAYLOAD) {
                    throw new Violation(PROTOCOL_ERROR, "A control frame must be whole and at most 125 bytes.");
                }
            }
            default -> throw new Violation(PROTOCOL_ERROR, "Unknown frame type " + opcode + ".");
        }
    }

    private Event data(ByteBuffer in) {
        int length = (int) Math.min(payloadLeft, in.remaining());
        ByteBuffer payload = in.slice(in.position(), length);
        for (int i = 0; i < length; i++) {
            payload.put(i, (byte) (payload.get(i) ^ mask[(maskAt + i) & 3]));
        }
        maskAt = (maskAt + length) & 3;
        payloadLeft -= length;
        in.position(in.position() + length);
        return new Event(Kind.DATA, payload, 0, null);
    }

    private Event control(int opcode, ByteBuffer in, int length) throws Violation {
        byte[] payload = new byte[length];
        in.get(payload);
        for (int i = 0; i < length; i++) {
            payload[i] ^= mask[i & 3];
        }
        if (opcode == OP_PING) {
            return new Event(Kind.PING, ByteBuffer.wrap(payload), 0, null);
        }
        if (opcode == OP_PONG) {
            return new Event(Kind.PONG, ByteBuffer.wrap(payload), 0, null);
        }
        if (length == 0) {
            return new Event(Kind.CLOSE, null, 1005, "");
        }
        if (length == 1) {
            throw new Violation(PROTOCOL_ERROR, "A close frame's code is cut short.");
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        if (!sendableCloseCode(code)) {
            throw new Violation(PROTOCOL_ERROR, "Close code " + code + " may not be sent.");
        }
        try {
            String reason = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, 2, length - 2)).toString();
            return new Event(Kind.CLOSE, null, code, reason);
        } catch (CharacterCodingException notUtf8) {
            throw new Violation(INVALID_PAYLOAD, "A close frame's reason is not UTF-8.");
        }
    }

    /** The codes RFC 6455 lets an endpoint put in a close frame (section 7.4). */
    static boolean sendableCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
