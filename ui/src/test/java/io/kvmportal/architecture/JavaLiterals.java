package io.kvmportal.architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * The string literals of a Java source, and the source without its comments: enough of Java's lexical rules
 * (comments, strings with escapes, text blocks, char literals) to tell a path in code from one in a comment.
 * Escapes are kept as written.
 */
final class JavaLiterals {
    private JavaLiterals() {
    }

    static List<String> of(String code) {
        List<String> literals = new ArrayList<>();
        scan(code, literals, new StringBuilder());
        return literals;
    }

    static String withoutComments(String code) {
        StringBuilder kept = new StringBuilder();
        scan(code, new ArrayList<>(), kept);
        return kept.toString();
    }

    /** Walks the code once: literals go to {@code literals}, everything but comments to {@code kept}. */
    private static void scan(String code, List<String> literals, StringBuilder kept) {
        int i = 0;
        while (i < code.length()) {
            if (code.startsWith("//", i)) {
                i = end(code, code.indexOf('\n', i), code.length());
            } else if (code.startsWith("/*", i)) {
                i = end(code, code.indexOf("*/", i + 2), code.length() - 2) + 2;
            } else if (code.startsWith("\"\"\"", i)) {
                int close = end(code, code.indexOf("\"\"\"", i + 3), code.length() - 3);
                literals.add(code.substring(i + 3, close));
                kept.append(code, i, close + 3);
                i = close + 3;
            } else if (code.charAt(i) == '"' || code.charAt(i) == '\'') {
                int close = closing(code, i);
                if (code.charAt(i) == '"') {
                    literals.add(code.substring(i + 1, close));
                }
                kept.append(code, i, close + 1);
                i = close + 1;
            } else {
                kept.append(code.charAt(i));
                i++;
            }
        }
    }

    /** The index of the quote that closes the literal opened at {@code open}, skipping escaped characters. */
    private static int closing(String code, int open) {
        char quote = code.charAt(open);
        int i = open + 1;
        while (i < code.length() && code.charAt(i) != quote) {
            i += code.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, code.length() - 1);
    }

    private static int end(String code, int found, int otherwise) {
        return found < 0 ? Math.max(otherwise, 0) : found;
    }
}
