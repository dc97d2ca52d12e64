package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvmportal.host.Host;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.HostReport;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.KvmHostKind;

class QemuVersionTest {
    @TempDir
    Path dataDir;


    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)|7|2|22",
        "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)|8|2|2",
        "QEMU emulator version 9.1.0|9|1|0",
        "QEMU emulator version 10.0|10|0|0"})
    void parsesTheFirstLine(String line, int major, int minor, int micro) {
        QemuVersion v = QemuVersion.parse(line + "\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n");
        assertEquals(major, v.major());
        assertEquals(minor, v.minor());
        assertEquals(micro, v.micro());
        assertEquals(line, v.text());
    }

    @Test
    void refusesOtherOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QemuVersion.parse("bash: qemu: not found"));
        assertEquals("not a QEMU version line: \"bash: qemu: not found\"", e.getMessage());
    }

    @Test
    void hostReportNamesTheInstalledQemuAndTheAutoChoice() {
        HostReport report = new Host(HostConfig.under(dataDir), (guest, exit) -> { }).report();

        assertTrue(report.qemu().text().startsWith("QEMU emulator version " + report.qemu()), report.qemu().text());
        assertTrue(report.qemu().major() >= 7, report.qemu().text());
        KvmHostKind kind = KvmHostKind.observed();
        Accelerator expected = kind == KvmHostKind.KVM ? Accelerator.KVM : Accelerator.TCG;
        assertEquals(expected, report.autoAccelerator().accelerator(), kind + ": " + report.autoAccelerator().reason());
    }
}
