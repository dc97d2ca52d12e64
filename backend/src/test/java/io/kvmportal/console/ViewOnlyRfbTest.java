package io.kvmportal.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ViewOnlyRfbTest {
    private static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET_PIXEL_FORMAT = withType(0, 20);
    private static final byte[] SET_ENCODINGS = {2, 0, 0, 2, 0, 0, 0, 7, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x21};
    private static final byte[] UPDATE_REQUEST = {3, 1, 0, 0, 0, 0, 3, 32, 2, 88};
    private static final byte[] KEY = {4, 1, 0, 0, 0, 0, (byte) 0xFF, 0x0D};
    private static final byte[] POINTER = {5, 1, 0, 10, 0, 20};
    private static final byte[] CLIPBOARD = {6, 0, 0, 0, 0, 0, 0, 3, 'l', 's', '\n'};
    private static final byte[] QEMU_KEY = {(byte) 255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1E};
    private static final byte[] XVP_REBOOT = {(byte) 250, 0, 1, 3};
    /** Extended Clipboard: a negative length, here -8, says 8 bytes of extended message follow (noVNC's caps). */
    private static final byte[] EXTENDED_CLIPBOARD = {6, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF8,
        0, 0, 0, 1, 0, 0, 0, 4};
    private static final byte[] FENCE = {(byte) 248, 0, 0, 0, 0, 0, 0, 1, 2, 'a', 'b'};

    @Test
    void aViewerSeesTheScreenButItsKeysPointerClipboardAndPowerNeverReachTheGuest() {
        byte[] session = concat(VERSION, new byte[] {1}, new byte[] {0}, SET_PIXEL_FORMAT, SET_ENCODINGS,
                UPDATE_REQUEST, KEY, POINTER, CLIPBOARD, EXTENDED_CLIPBOARD, QEMU_KEY, XVP_REBOOT, FENCE, UPDATE_REQUEST);
        byte[] expected = concat(VERSION, new byte[] {1}, new byte[] {1}, SET_PIXEL_FORMAT, SET_ENCODINGS,
                UPDATE_REQUEST, FENCE, UPDATE_REQUEST);

        assertArrayEquals(expected, drain(new ViewOnlyRfb(), session, session.length), "in one piece");
        for (int cut = 1; cut <= 7; cut++) {
            assertArrayEquals(expected, drain(new ViewOnlyRfb(), session, cut), "in pieces of " + cut + " bytes");
        }
    }

    @Test
    void theSharedFlagIsForcedOnSoTheOwnersConsoleStays() {
        byte[] out = drain(new ViewOnlyRfb(), concat(VERSION, new byte[] {1}, new byte[] {0}), 100);
        assertArrayEquals(concat(VERSION, new byte[] {1}, new byte[] {1}), out);
        byte[] old = drain(new ViewOnlyRfb(), concat("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0}), 100);
        assertArrayEquals(concat("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII), new byte[] {1}), old,
                "RFB 3.3 has no security choice: the next byte is ClientInit");
    }

    @Test
    void whatCannotBeMeasuredEndsTheSession() {
        byte[] start = concat(VERSION, new byte[] {1, 1});
        assertThrows(ViewOnlyRfb.RefusedMessage.class, () -> drain(new ViewOnlyRfb(), concat(start, new byte[] {99}), 100));
        assertThrows(ViewOnlyRfb.RefusedMessage.class, () -> drain(new ViewOnlyRfb(),
                concat(start, new byte[] {6, 0, 0, 0, 0x10, 0, 0, 0}), 100), "a 256 MiB clipboard");
        assertThrows(ViewOnlyRfb.RefusedMessage.class, () -> drain(new ViewOnlyRfb(),
                concat(VERSION, new byte[] {2}), 100), "VNC authentication is not what a guest's socket offers");
    }

    private static byte[] drain(ViewOnlyRfb filter, byte[] stream, int piece) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < stream.length; at += piece) {
            ByteBuffer passed = filter.filter(ByteBuffer.wrap(stream, at, Math.min(piece, stream.length - at)));
            out.write(passed.array(), passed.position(), passed.remaining());
        }
        return out.toByteArray();
    }

    private static byte[] withType(int type, int length) {
        byte[] message = new byte[length];
        message[0] = (byte) type;
        return message;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
