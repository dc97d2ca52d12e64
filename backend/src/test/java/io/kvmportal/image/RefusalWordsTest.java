package io.kvmportal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageRefusalReason;
import io.kvmportal.agent.RefusalKind;
import org.junit.jupiter.api.Test;

/** The agent's refusal of an image in the admin's words, naming the file as the admin knows it. */
class RefusalWordsTest {
    private static final String ID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

    @Test
    void theStagedFileIsNamedAsTheAdminKnowsItHoweverTheAgentNamedIt() {
        HostRefusedException refused = new HostRefusedException(RefusalKind.IMAGE_REFUSED,
                ImageRefusalReason.DAMAGED, "qemu-img check /data/images/incoming/upload-" + ID + ".part: leaks ("
                + ID + ")");
        assertEquals("Refused 'debian.qcow2': it is damaged (cut short, or its tables point astray); upload or copy"
                + " it again whole. kvm-host found: qemu-img check debian.qcow2: leaks (debian.qcow2)",
                RefusalWords.of(refused, ID, "debian.qcow2", "qcow2"));
    }

    @Test
    void aRefusalWithoutItsReasonStillSaysWhatItCannotBe() {
        HostRefusedException refused = new HostRefusedException(RefusalKind.IMAGE_REFUSED, "unreadable");
        assertEquals("Refused 'x.iso': it cannot be read as an ISO image. kvm-host found: unreadable",
                RefusalWords.of(refused, ID, "x.iso", "iso"));
    }
}
