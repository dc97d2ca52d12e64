package io.kvmportal.console;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Makes a VNC viewer's side of an RFB session (RFC 6143) harmless, for a view-only link: it passes what a viewer
 * needs to see the screen (the handshake, pixel format, encodings, update requests, fences) and drops everything that
 * touches the guest: keys, pointer, clipboard, QEMU's extended keys and audio, power (XVP) and desktop size. The
 * handshake's shared flag is forced on, so a viewer never pushes the owner's own console off the guest.
 * <p>
 * Bytes arrive in any cut (a WebSocket message may hold half a message or several); whole messages are passed on.
 * A message this does not know cannot be measured, so it ends the session ({@link RefusedMessage}) rather than let
 * the stream slip out of step.
 */
public final class ViewOnlyRfb {
    /** The longest message kept whole while waiting for the rest: SetEncodings with a sane number of encodings. */
    static final int MAX_MESSAGE = 64 * 1024;
    private static final int VERSION_LENGTH = 12;
    private static final byte SECURITY_NONE = 1;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private Phase phase = Phase.VERSION;

    private enum Phase { VERSION, SECURITY, CLIENT_INIT, MESSAGES }

    /** A message a viewer may not send, or one this filter cannot measure. */
    public static final class RefusedMessage extends RuntimeException {
        RefusedMessage(String message) {
            super(message);
        }
    }

    /** What to forward to the guest from these bytes of the viewer's; may be empty while a message is incomplete. */
    public ByteBuffer filter(ByteBuffer fromViewer) {
        byte[] incoming = new byte[fromViewer.remaining()];
        fromViewer.get(incoming);
        pending.write(incoming, 0, incoming.length);
        byte[] buffered = pending.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(buffered.length);
        int at = 0;
        while (true) {
            int length = nextLength(buffered, at);
            if (length < 0 || buffered.length - at < length) {
                break; // wait for the rest
            }
            if (passes(buffered, at)) {
                out.write(buffered, at, length);
            }
            advance(buffered, at, out);
            at += length;
        }
        if (buffered.length - at > MAX_MESSAGE) {
            throw new RefusedMessage("a viewer's message is larger than " + MAX_MESSAGE + " bytes");
        }
        pending.reset();
        pending.write(buffered, at, buffered.length - at);
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** The length of the message at {@code at}, or -1 while too few bytes are there to tell. */
    private int nextLength(byte[] b, int at) {
        int available = b.length - at;
        return switch (phase) {
            case VERSION -> VERSION_LENGTH;
            case SECURITY, CLIENT_INIT -> 1;
            case MESSAGES -> available < 1 ? -1 : messageLength(b, at, available);
        };
    }

    private static int messageLength(byte[] b, int at, int available) {
        int type = b[at] & 0xFF;
        return switch (type) {
            case 0 -> 20;                                                   // SetPixelFormat
            case 2 -> available < 4 ? -1 : 4 + 4 * u16(b, at + 2);          // SetEncodings
            case 3 -> 10;                                                   // FramebufferUpdateRequest
            case 4 -> 8;                                                    // KeyEvent
            case 5 -> 6;                                                    // PointerEvent
            case 6 -> available < 8 ? -1 : 8 + boundedLength(cutTextLength(b, at + 4)); // ClientCutText
            case 150 -> 10;                                                 // EnableContinuousUpdates
            case 248 -> available < 9 ? -1 : 9 + (b[at + 8] & 0xFF);        // ClientFence
            case 250 -> 4;                                                  // XVP (power actions)
            case 251 -> available < 8 ? -1 : 8 + 16 * (b[at + 6] & 0xFF);   // SetDesktopSize
            case 255 -> qemuMessageLength(b, at, available);
            default -> throw new RefusedMessage("an RFB message of type " + type + ", which a viewer does not send");
        };
    }

    /** QEMU's own client messages: extended key events and audio. */
    private static int qemuMessageLength(byte[] b, int at, int available) {
        if (available < 2) {
            return -1;
        }
        int subtype = b[at + 1] & 0xFF;
        if (subtype == 0) {
            return 12; // extended key event
        }
        if (subtype == 1) {
            if (available < 4) {
                return -1;
            }
            int operation = u16(b, at + 2);
            return operation == 2 ? 10 : 4; // audio: set format, or enable/disable
        }
        throw new RefusedMessage("a QEMU client message of subtype " + subtype);
    }

    /**
     * ClientCutText's length; negative in the Extended Clipboard extension, where its magnitude is the length of
     * the extended message (noVNC sends one at once to state its clipboard formats).
     */
    private static long cutTextLength(byte[] b, int at) {
        int length = (int) u32(b, at);
        return length < 0 ? -(long) length : length;
    }

    private static int boundedLength(long length) {
        if (length > MAX_MESSAGE) {
            throw new RefusedMessage("clipboard text of " + length + " bytes");
        }
        return (int) length;
    }

    private boolean passes(byte[] b, int at) {
        if (phase != Phase.MESSAGES) {
            return true;
        }
        int type = b[at] & 0xFF;
        return type == 0 || type == 2 || type == 3 || type == 150 || type == 248;
    }

    private void advance(byte[] b, int at, ByteArrayOutputStream out) {
        switch (phase) {
            case VERSION -> {
                String version = new String(b, at, VERSION_LENGTH, StandardCharsets.US_ASCII);
                // RFB 3.3 has no security type choice from the client; 3.7 and 3.8 do.
                phase = version.startsWith("RFB 003.003") ? Phase.CLIENT_INIT : Phase.SECURITY;
            }
            case SECURITY -> {
                if (b[at] != SECURITY_NONE) {
                    throw new RefusedMessage("security type " + (b[at] & 0xFF) + "; a view-only link only relays"
                            + " the guest's unauthenticated local screen");
                }
                phase = Phase.CLIENT_INIT;
            }
            case CLIENT_INIT -> {
                byte[] written = out.toByteArray();
                written[written.length - 1] = 1; // shared: never disconnect the owner's console
                out.reset();
                out.write(written, 0, written.length);
                phase = Phase.MESSAGES;
            }
            case MESSAGES -> {
                // stays
            }
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(byte[] b, int at) {
        return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
