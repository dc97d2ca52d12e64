package io.kvmportal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The character rule, one row per kind of character: what it is, whether it may appear, and how it is named. */
class VisibleTextTest {

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0041  | true  | a Latin letter
            00C4  | true  | a letter with a diaeresis
            0020  | true  | a space
            00A0  | true  | a no-break space (it shows as a space)
            05D0  | true  | a Hebrew letter (right-to-left text itself is fine)
            0627  | true  | an Arabic letter
            4E2D  | true  | a CJK ideograph
            1F600 | true  | an emoji outside the BMP
            0301  | true  | a combining accent
            202A  | false | LEFT-TO-RIGHT EMBEDDING (Cf)
            202B  | false | RIGHT-TO-LEFT EMBEDDING (Cf)
            202C  | false | POP DIRECTIONAL FORMATTING (Cf)
            202D  | false | LEFT-TO-RIGHT OVERRIDE (Cf)
            202E  | false | RIGHT-TO-LEFT OVERRIDE (Cf)
            2066  | false | LEFT-TO-RIGHT ISOLATE (Cf)
            2067  | false | RIGHT-TO-LEFT ISOLATE (Cf)
            2068  | false | FIRST STRONG ISOLATE (Cf)
            2069  | false | POP DIRECTIONAL ISOLATE (Cf)
            200E  | false | LEFT-TO-RIGHT MARK (Cf)
            200F  | false | RIGHT-TO-LEFT MARK (Cf)
            200B  | false | ZERO WIDTH SPACE (Cf)
            200C  | false | ZERO WIDTH NON-JOINER (Cf)
            200D  | false | ZERO WIDTH JOINER (Cf)
            2060  | false | WORD JOINER (Cf)
            FEFF  | false | ZERO WIDTH NO-BREAK SPACE, the byte order mark (Cf)
            00AD  | false | SOFT HYPHEN (Cf)
            E0041 | false | a tag character (Cf)
            0000  | false | NUL (Cc)
            0007  | false | BELL (Cc)
            0009  | false | a tab (Cc)
            000A  | false | a line feed, on one line (Cc)
            001B  | false | ESCAPE (Cc)
            007F  | false | DELETE (Cc)
            0085  | false | NEXT LINE (Cc)
            2028  | false | LINE SEPARATOR (Zl)
            2029  | false | PARAGRAPH SEPARATOR (Zp)
            E000  | false | private use (Co)
            F8FF  | false | private use (Co)
            F0000 | false | supplementary private use (Co)
            D800  | false | a lone surrogate (Cs)
            0378  | false | unassigned (Cn)
            FFFF  | false | a noncharacter (Cn)
            """)
    void eachKindOfCharacter(String hex, boolean allowed, String what) {
        int codePoint = Integer.parseInt(hex, 16);
        assertEquals(allowed, VisibleText.isAllowed(codePoint, false), what);
        String text = "ab" + new String(Character.toChars(codePoint)) + "c";
        Optional<String> problem = VisibleText.problem(text);
        assertEquals(allowed, problem.isEmpty(), what + ": " + problem);
        problem.ifPresent(words -> assertTrue(words.startsWith("U+" + hex + " ")
                && words.endsWith(" at character 3"), words));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Admin\u200Bistrator | U+200B (ZERO WIDTH SPACE) at character 6
            Eve \u202Enimda     | U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5
            \uD83D\uDE00\u2066x | U+2066 (LEFT-TO-RIGHT ISOLATE) at character 2
            Administrator       | ''
            """)
    void namesTheFirstRefusedCharacterByCodeNameAndPosition(String text, String expected) {
        assertEquals(expected, VisibleText.problem(text).orElse(""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            true  | ''
            false | U+000A (LINE FEED (LF)) at character 4
            """)
    void lineFeedsOnlyWhereLinesAreAllowed(boolean lines, String expected) {
        assertEquals(expected, VisibleText.problem("one\ntwo", lines).orElse(""));
        assertEquals("U+2028 (LINE SEPARATOR) at character 4", VisibleText.problem("one\u2028two", lines).orElse(""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Admin\u200Bistrator                                  | Admin?istrator
            a\u202Eb\u0007c                                      | a?b?c
            12345678901234567890123456789012345678901234567890  | 1234567890123456789012345678901234567890...
            """)
    void printableShowsRefusedCharactersAsQuestionMarksAndCutsLongValues(String value, String expected) {
        assertEquals(expected, VisibleText.printable(value));
    }
}
