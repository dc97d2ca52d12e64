package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mark's two spellings: 32 hex digits in the id file, {@code kvm-portal <id>} in a GECOS field. */
class InstallationIdTest {
    private static final String HEX = "00112233445566778899aabbccddeeff";

    @Test
    void theCommentIsReadBackAsTheSameId() {
        InstallationId id = new InstallationId(HEX);
        assertEquals("kvm-portal " + HEX, id.comment());
        assertEquals(Optional.of(id), InstallationId.fromComment(id.comment()));
        assertEquals(Optional.of(id), InstallationId.parse(HEX));
    }

    @Test
    void randomIdsAre128BitsAndDiffer() {
        InstallationId one = InstallationId.random();
        assertTrue(one.value().matches("[0-9a-f]{32}"), one.value());
        assertNotEquals(one, InstallationId.random());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00112233445566778899aabbccddeef", "00112233445566778899aabbccddeeff0",
        "00112233445566778899AABBCCDDEEFF", "00112233445566778899aabbccddeefg", "00112233445566778899aabbccddeef\n",
        " 00112233445566778899aabbccddeeff"})
    void anythingButThirtyTwoLowerCaseHexDigitsIsNoId(String text) {
        assertEquals(Optional.empty(), InstallationId.parse(text));
        assertEquals(Optional.empty(), InstallationId.fromComment("kvm-portal " + text));
        assertThrows(IllegalArgumentException.class, () -> new InstallationId(text));
    }

    @Test
    void noCommentIsNoMark() {
        assertEquals(Optional.empty(), InstallationId.fromComment(null));
        assertEquals(Optional.empty(), InstallationId.fromComment(HEX));
    }
}
