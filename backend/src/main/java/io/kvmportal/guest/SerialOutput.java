package io.kvmportal.guest;

import io.micronaut.serde.annotation.Serdeable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a guest wrote to its serial port, as text: {@code from} is where this text starts in the serial log and
 * {@code next} is where to ask from for more. Terminal escape sequences and carriage returns are dropped, and a
 * character cut in half by the chunk's end is left for the next read.
 */
@Serdeable
public record SerialOutput(long from, long next, String text) {
    private static final Pattern ESCAPES = Pattern.compile("\u001B(\\[[0-?]*[ -/]*[@-~]|[ -/]*[0-~])|\r");

    public static SerialOutput of(long from, byte[] bytes) {
        int whole = wholeCharacters(bytes);
        String text = new String(bytes, 0, whole, StandardCharsets.UTF_8);
        return new SerialOutput(from, from + whole, ESCAPES.matcher(text).replaceAll(""));
    }

    /** The length of {@code bytes} without a trailing UTF-8 sequence that is not complete yet. */
    static int wholeCharacters(byte[] bytes) {
        int end = bytes.length;
        for (int back = 1; back <= Math.min(3, end); back++) {
            int b = bytes[end - back] & 0xFF;
            if (b < 0x80) {
                return end; // ASCII: nothing open
            }
            if (b >= 0xC0) { // a lead byte: is its sequence complete?
                int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return back >= length ? end : end - back;
            }
        }
        return end;
    }
}
