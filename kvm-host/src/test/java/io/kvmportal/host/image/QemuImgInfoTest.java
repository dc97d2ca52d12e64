package io.kvmportal.host.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON judge alone, on hand-written answers: every field that could open another file is a refusal. */
class QemuImgInfoTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"format\":\"qcow2\",\"virtual-size\":1048576}|OK",
        "{\"format\":\"raw\",\"virtual-size\":1048576}|FORMAT_MISMATCH",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"backing-filename\":\"x\"}|BACKING_FILE",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"full-backing-filename\":\"/x\"}|BACKING_FILE",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"backing-image\":{}}|BACKING_FILE",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"format-specific\":{\"data\":{\"data-file\":\"/etc/shadow\"}}}|DATA_FILE",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"encrypted\":true}|ENCRYPTED",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576,\"format-specific\":{\"data\":{\"corrupt\":true}}}|INVALID",
        "{\"format\":\"qcow2\",\"virtual-size\":2097152}|TOO_LARGE",
        "{\"format\":\"qcow2\",\"virtual-size\":-1}|INVALID",
        "{\"format\":\"qcow2\",\"virtual-size\":\"1048576\"}|INVALID",
        "{\"format\":\"qcow2\",\"virtual-size\":1.5}|INVALID",
        "{\"format\":\"qcow2\",\"virtual-size\":99999999999999999999}|INVALID",
        "{\"format\":\"qcow2\",\"virtual-size\":1048576} {}|INVALID",
        "qemu-img: warning {\"format\":\"qcow2\",\"virtual-size\":1048576}|INVALID",
        "{\"format\":\"qcow2\",\"format\":\"raw\",\"virtual-size\":1048576}|INVALID",
        "[]|INVALID"})
    void judges(String json, String expected) {
        if (expected.equals("OK")) {
            assertEquals(new ImageInfo(ImageFormat.QCOW2, 1048576, 4096), QemuImgInfo.judge(json, "x", ImageFormat.QCOW2, 1048576, 4096));
            return;
        }
        ImageRefusedException e = assertThrows(ImageRefusedException.class,
                () -> QemuImgInfo.judge(json, "x", ImageFormat.QCOW2, 1048576, 4096));
        assertEquals(ImageRefusedException.Reason.valueOf(expected), e.reason(), e.getMessage());
    }
}
