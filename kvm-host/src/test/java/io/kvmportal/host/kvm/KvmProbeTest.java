package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.KvmHostKind;

/**
 * The probe as root. One test against the real /dev/kvm, expecting what the kind of host it finds gives (no node,
 * the nested PVM device, or KVM that runs stock guests); the others on nodes of their own.
 */
class KvmProbeTest {
    private static final String PVM = "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels";
    private static final String TCG = ", so guests run under TCG (emulation, slower)";

    @Test
    void theRealDeviceIsWhatTheHostHasAndAutoFollowsIt() {
        KvmHostKind kind = KvmHostKind.observed();

        KvmStatus status = new KvmProbe().probe();

        assertEquals(KvmHostKind.pvmModuleLoaded(), status.pvm(), status.text());
        assertEquals(KvmHostKind.hardwareModuleLoaded(), status.hardwareVirt(), status.text());
        AcceleratorChoice auto = AcceleratorChoice.choose(Accelerator.AUTO, status);
        switch (kind) {
            case NO_DEVICE -> {
                assertEquals(KvmAvailability.ABSENT, status.availability(), status.text());
                assertEquals("no /dev/kvm on this host (" + modulesWithoutNode() + ")", status.text());
                assertEquals(new AcceleratorChoice(Accelerator.TCG, "no /dev/kvm on this host" + TCG), auto);
            }
            case PVM -> {
                assertPresent(status);
                assertEquals(new AcceleratorChoice(Accelerator.TCG, PVM + TCG), auto);
            }
            case KVM -> {
                assertPresent(status);
                assertEquals(new AcceleratorChoice(Accelerator.KVM, "/dev/kvm usable (API 12)"), auto);
            }
        }
    }

    private static void assertPresent(KvmStatus status) {
        assertEquals(KvmAvailability.PRESENT, status.availability(), status.text());
        assertEquals(12, status.apiVersion());
        assertTrue(status.recommendedVcpus() >= 1, status.text());
        assertTrue(status.maxVcpus() >= status.recommendedVcpus(), status.text());
    }

    private static String modulesWithoutNode() {
        return KvmHostKind.pvmModuleLoaded() ? "the kvm_pvm module is loaded, but made no device node"
                : KvmHostKind.hardwareModuleLoaded()
                        ? "a kvm_intel/kvm_amd module is loaded, but this process sees no device node"
                        : "no kvm_intel, kvm_amd or kvm_pvm module is loaded";
    }

    @Test
    void missingNodeIsAbsentNotAnException(@TempDir Path dir) {
        KvmStatus status = new KvmProbe(dir.resolve("kvm"), dir).probe();

        assertEquals(KvmAvailability.ABSENT, status.availability());
        assertEquals("no " + dir.resolve("kvm") + " on this host (no kvm_intel, kvm_amd or kvm_pvm module is loaded)",
                status.text());
        assertFalse(status.pvm());
    }

    /** What the modules say of a missing node: the case of this project's CI machines first. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kvm_pvm   | true  | false | the kvm_pvm module is loaded, but made no device node",
        "kvm_intel | false | true  | a kvm_intel/kvm_amd module is loaded, but this process sees no device node",
        "kvm_amd   | false | true  | a kvm_intel/kvm_amd module is loaded, but this process sees no device node"})
    void aMissingNodeSaysWhatTheModulesTell(String module, boolean pvm, boolean hardware, String words,
            @TempDir Path dir) throws Exception {
        Path sysModule = Files.createDirectories(dir.resolve("module"));
        Files.createDirectory(sysModule.resolve(module));

        KvmStatus status = new KvmProbe(dir.resolve("kvm"), sysModule).probe();

        assertEquals(new KvmStatus(KvmAvailability.ABSENT, 0, 0, 0, pvm, hardware,
                "no " + dir.resolve("kvm") + " on this host (" + words + ")"), status);
        assertEquals(new AcceleratorChoice(Accelerator.TCG, "no /dev/kvm on this host" + TCG),
                AcceleratorChoice.choose(Accelerator.AUTO, status));
    }

    /**
     * A node nothing answers behind (a module that did not bind, a node copied into a container) is no KVM, not an
     * error that breaks the Host page. Misc minor 255 is the kernel's "dynamic minor" marker, which no device has.
     */
    @Test
    void aNodeWithNoDriverBehindItIsAbsent(@TempDir Path dir) {
        Path node = dir.resolve("kvm");
        Command.runChecked(List.of("mknod", "--", node.toString(), "c", "10", "255"), Duration.ofSeconds(10));

        KvmStatus status = new KvmProbe(node, dir).probe();

        assertEquals(new KvmStatus(KvmAvailability.ABSENT, 0, 0, 0, false, false,
                node + " exists, but no KVM driver answers behind it"), status);
        assertEquals(Accelerator.TCG, AcceleratorChoice.choose(Accelerator.AUTO, status).accelerator());
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
