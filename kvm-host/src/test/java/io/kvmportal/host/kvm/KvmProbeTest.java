package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against this machine's real /dev/kvm: the nested PVM device, API 12, used by root. */
class KvmProbeTest {

    @Test
    void realDeviceIsPresentPvmAndAutoPicksTcg() {
        KvmStatus status = new KvmProbe().probe();

        assertEquals(KvmAvailability.PRESENT, status.availability(), status.text());
        assertEquals(12, status.apiVersion());
        assertTrue(status.pvm(), "this machine's /dev/kvm is kvm_pvm");
        assertTrue(status.recommendedVcpus() >= 1, status.text());
        assertTrue(status.maxVcpus() >= status.recommendedVcpus(), status.text());
        AcceleratorChoice auto = AcceleratorChoice.choose(Accelerator.AUTO, status);
        assertEquals(Accelerator.TCG, auto.accelerator());
        assertEquals("/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels", auto.reason());
    }

    @Test
    void missingNodeIsAbsentNotAnException(@TempDir Path dir) {
        KvmStatus status = new KvmProbe(dir.resolve("kvm"), dir).probe();

        assertEquals(KvmAvailability.ABSENT, status.availability());
        assertEquals("no " + dir.resolve("kvm"), status.text());
        assertFalse(status.pvm());
    }

    @Test
    void eaccesForThisProcessIsNoPermissionNotAnException(@TempDir Path dir) {
        // Even root gets EACCES opening a read-only sysfs attribute for writing (kernfs refuses it
        // before any capability check), so this exercises the mapping without another account.
        Path readOnly = Path.of("/sys/kernel/uevent_seqnum");
        KvmStatus status = new KvmProbe(readOnly, dir).probe();

        assertEquals(KvmAvailability.NO_PERMISSION, status.availability());
        assertEquals("no permission on " + readOnly, status.text());
        assertEquals(0, status.apiVersion());
    }

    @Test
    void otherOpenErrorsKeepErrnoCallAndArgument(@TempDir Path dir) {
        // A directory cannot be opened read-write: EISDIR (21) is no availability answer, so it is thrown.
        NativeCallException e = assertThrows(NativeCallException.class, () -> new KvmProbe(dir, dir).probe());
        assertEquals(21, e.errno());
        assertEquals("open", e.call());
        assertEquals(dir + ", O_RDWR|O_CLOEXEC", e.argument());
    }
}
