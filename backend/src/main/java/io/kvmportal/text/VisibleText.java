package io.kvmportal.text;

import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for text that a user types and others see (display names, image names and descriptions, guest
 * names): every character must show as itself. Refused are format characters (Unicode category Cf: the
 * direction controls U+202A-202E and U+2066-2069, the marks U+200E/U+200F, the zero-width U+200B-200D, U+2060,
 * U+FEFF, ...), control characters (Cc), line and paragraph separators (Zl, Zp), private-use, surrogate and
 * unassigned code points (Co, Cs, Cn, as this JVM's Unicode version knows them). So "Admin\u200Bistrator" cannot
 * pose as "Administrator", and a right-to-left override cannot make "exe.txt" of "txt.exe".
 */
public final class VisibleText {
    public static final String RULE = "no invisible, direction-changing, control, private-use or unassigned"
            + " characters";
    private static final int SHOWN = 40;

    private VisibleText() {
    }

    /** Whether this character may appear; {@code '\n'} only where {@code lines} are allowed. */
    public static boolean isAllowed(int codePoint, boolean lines) {
        if (codePoint == '\n') {
            return lines;
        }
        return switch (Character.getType(codePoint)) {
            case Character.FORMAT, Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    /** The first refused character of a one-line text, named with its code and position; empty if none. */
    public static Optional<String> problem(String text) {
        return problem(text, false);
    }

    /**
     * The first refused character, as {@code "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 6"}, counting
     * characters as people do (a code point is one, however many UTF-16 units it takes); empty if none.
     */
    public static Optional<String> problem(String text, boolean lines) {
        if (text == null) {
            return Optional.empty();
        }
        int position = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            position++;
            int codePoint = text.codePointAt(i);
            if (!isAllowed(codePoint, lines)) {
                return Optional.of(code(codePoint) + " at character " + position);
            }
        }
        return Optional.empty();
    }

    /** {@code U+202E (RIGHT-TO-LEFT OVERRIDE)}, or just the code where Unicode gives the character no name. */
    public static String code(int codePoint) {
        String code = String.format(Locale.ROOT, "U+%04X", codePoint);
        String name = Character.getName(codePoint);
        return name == null ? code : code + " (" + name + ")";
    }

    /**
     * A value fit to repeat in a message: at most 40 characters, every refused character shown as '?', so an
     * error never carries the very characters it refuses.
     */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
            if (shown++ == SHOWN) {
                return out.append("...").toString();
            }
            int codePoint = value.codePointAt(i);
            out.appendCodePoint(isAllowed(codePoint, false) ? codePoint : '?');
        }
        return out.toString();
    }
}
