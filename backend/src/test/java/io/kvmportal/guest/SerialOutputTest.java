package io.kvmportal.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SerialOutputTest {

    @Test
    void terminalEscapesAndCarriageReturnsAreDropped() {
        byte[] raw = "\u001B[2J\u001B[1;1Hguest# ls\r\n\u001B[0;34mbin\u001B[0m\r\n\u001Bc".getBytes(StandardCharsets.UTF_8);
        SerialOutput out = SerialOutput.of(100, raw);
        assertEquals("guest# ls\nbin\n", out.text());
        assertEquals(100 + raw.length, out.next());
    }

    @Test
    void aCharacterCutByTheChunkEndWaitsForTheNextRead() {
        byte[] whole = "a€b".getBytes(StandardCharsets.UTF_8); // € is three bytes
        for (int cut = 2; cut <= 3; cut++) {
            SerialOutput first = SerialOutput.of(0, Arrays.copyOf(whole, cut));
            assertEquals("a", first.text());
            assertEquals(1, first.next(), "the half character is read again next time");
        }
        SerialOutput complete = SerialOutput.of(0, Arrays.copyOf(whole, 4));
        assertEquals("a€", complete.text());
        assertEquals(4, complete.next());
        assertEquals(0, SerialOutput.wholeCharacters(new byte[0]));
    }
}
