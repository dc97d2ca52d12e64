package io.kvmportal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of an image's metadata, which every user later reads in lists and dialogs. */
class NewImageTest {

    @ParameterizedTest
    @ValueSource(strings = {"Debian 12", "Ubuntu 24.04 (server)", "Demo: tiny Linux", "Fedora/CoreOS 40", "Ärger-OS 1",
            "a"})
    void acceptsNamesPeopleGiveImages(String name) {
        assertTrue(NewImage.isValidName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " lead", "trail ", "-dash", "<b>bold</b>", "a\nb", "tab\there", "quote\"s", "semi;colon",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void refusesNamesThatAreEmptyTooLongOrCarryMarkup(String name) {
        assertFalse(NewImage.isValidName(name), name);
    }

    @Test
    void descriptionMayHaveLinesButNoOtherControlCharacters() {
        NewImage lines = new NewImage("Debian", "First line\nsecond line", "Linux", "qcow2", 128, 1);
        assertEquals("First line\nsecond line", lines.validated().descriptionText());
        ImageException bell = assertThrows(ImageException.class,
                () -> new NewImage("Debian", "ring\u0007", "Linux", "qcow2", 128, 1).validated());
        assertTrue(bell.getMessage().contains("description: U+0007"), bell.getMessage());
        assertEquals("", new NewImage("Debian", null, "Linux", "raw", 128, 1).validated().descriptionText());
    }

    /** Names, OS and description are read by every user: a character that does not show is named and refused. */
    @Test
    void invisibleAndDirectionChangingCharactersAreRefusedByTheirCode() {
        ImageException refused = assertThrows(ImageException.class, () -> new NewImage("Debian\u202E21", "a\u200Bb",
                "Linux\u2066", "qcow2", 128, 1).validated());
        String message = refused.getMessage();
        assertTrue(message.contains("name 'Debian?21' is not valid: U+202E (RIGHT-TO-LEFT OVERRIDE) at character 7"),
                message);
        assertTrue(message.contains("OS 'Linux?' is not valid: U+2066 (LEFT-TO-RIGHT ISOLATE) at character 6"),
                message);
        assertTrue(message.contains("description: U+200B (ZERO WIDTH SPACE) at character 2"), message);
        assertFalse(message.contains("\u202E") || message.contains("\u200B") || message.contains("\u2066"), message);
    }

    @Test
    void theFormatDecidesHowAGuestBoots() {
        assertEquals(ImageKind.ISO, new NewImage("i", null, "o", "iso", 128, 1).kind());
        assertEquals(ImageKind.DISK, new NewImage("q", null, "o", "qcow2", 128, 1).kind());
        assertEquals(ImageKind.DISK, new NewImage("r", null, "o", "raw", 128, 1).kind());
    }
}
