package io.kvmportal.host.kvm;

import static io.kvmportal.host.kvm.KvmAvailability.ABSENT;
import static io.kvmportal.host.kvm.KvmAvailability.NO_PERMISSION;
import static io.kvmportal.host.kvm.KvmAvailability.PRESENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AcceleratorChoiceTest {
    private static final String PVM = "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels";
    private static final String TCG = ", so guests run under TCG (emulation, slower)";
    private static final String NO_PERMISSION_TCG = "no permission on /dev/kvm" + TCG;

    static Stream<Arguments> choices() {
        return Stream.of(
                // requested, availability, pvm, chosen, reason
                Arguments.of(Accelerator.AUTO, PRESENT, false, Accelerator.KVM, "/dev/kvm usable (API 12)"),
                Arguments.of(Accelerator.AUTO, PRESENT, true, Accelerator.TCG, PVM + TCG),
                Arguments.of(Accelerator.AUTO, ABSENT, false, Accelerator.TCG, "no /dev/kvm on this host" + TCG),
                Arguments.of(Accelerator.AUTO, ABSENT, true, Accelerator.TCG, "no /dev/kvm on this host" + TCG),
                Arguments.of(Accelerator.AUTO, NO_PERMISSION, false, Accelerator.TCG, NO_PERMISSION_TCG),
                Arguments.of(Accelerator.AUTO, NO_PERMISSION, true, Accelerator.TCG, NO_PERMISSION_TCG),
                Arguments.of(Accelerator.TCG, PRESENT, false, Accelerator.TCG, "TCG requested"),
                Arguments.of(Accelerator.TCG, ABSENT, false, Accelerator.TCG, "TCG requested"),
                Arguments.of(Accelerator.KVM, PRESENT, false, Accelerator.KVM, "KVM requested; /dev/kvm usable (API 12)"));
    }

    @ParameterizedTest(name = "{0} with {1} pvm={2} -> {3}")
    @MethodSource("choices")
    void choosesWithAReason(Accelerator requested, KvmAvailability availability, boolean pvm,
            Accelerator chosen, String reason) {
        AcceleratorChoice choice = AcceleratorChoice.choose(requested, status(availability, pvm));
        assertEquals(new AcceleratorChoice(chosen, reason), choice);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(ABSENT, false, "KVM requested, but no /dev/kvm on this host"),
                Arguments.of(NO_PERMISSION, false, "KVM requested, but no permission on /dev/kvm"),
                Arguments.of(PRESENT, true, "KVM requested, but " + PVM));
    }

    @ParameterizedTest(name = "KVM with {0} pvm={1} is refused")
    @MethodSource("refusals")
    void explicitKvmIsRefusedWithTheReason(KvmAvailability availability, boolean pvm, String message) {
        AcceleratorUnavailableException e = assertThrows(AcceleratorUnavailableException.class,
                () -> AcceleratorChoice.choose(Accelerator.KVM, status(availability, pvm)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aChoiceIsNeverAuto() {
        assertThrows(IllegalArgumentException.class, () -> new AcceleratorChoice(Accelerator.AUTO, "x"));
        assertThrows(IllegalStateException.class, Accelerator.AUTO::qemuName);
        assertEquals("tcg", Accelerator.TCG.qemuName());
        assertEquals("kvm", Accelerator.KVM.qemuName());
    }

    private static KvmStatus status(KvmAvailability availability, boolean pvm) {
        boolean present = availability == PRESENT;
        return new KvmStatus(availability, present ? 12 : 0, present ? 2 : 0, present ? 1024 : 0, pvm, !pvm, "test");
    }
}
