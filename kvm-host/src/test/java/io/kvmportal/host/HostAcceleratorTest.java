package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.AcceleratorUnavailableException;
import io.kvmportal.host.kvm.KvmProbe;
import io.kvmportal.host.qemu.RunAs;
import io.kvmportal.host.testing.KvmHostKind;
import io.kvmportal.host.testing.TestAccount;
import io.kvmportal.host.testing.TestKvmNode;

/**
 * The accelerator is chosen with the guest owner's access to /dev/kvm, not the portal's: without an entry on a node
 * the test makes (on every kind of host), and with one on the real device, where the answer is the one the kind of
 * host the test finds allows.
 */
class HostAcceleratorTest {
    private static final String TCG = ", so guests run under TCG (emulation, slower)";
    private static TestAccount account;
    private static RunAs runAs;
    @TempDir
    static Path dataDir;
    private TestKvmNode node;
    private Host host;

    @BeforeAll
    static void createAccount() {
        account = TestAccount.create();
        runAs = new RunAs(account.uid(), account.gid());
    }

    @AfterAll
    static void deleteAccount() {
        if (account != null) {
            account.close();
        }
    }

    @BeforeEach
    void host() throws Exception {
        node = TestKvmNode.create();
        host = new Host(HostConfig.under(dataDir), (guest, exit) -> { },
                new KvmProbe(node.path(), Path.of("/sys/module")), new KvmAccess(node.path()));
    }

    @AfterEach
    void removeNode() throws Exception {
        host.close();
        node.close();
    }

    @Test
    void withoutAnEntryAutoIsTcgForLackOfPermission() {
        assertEquals(new AcceleratorChoice(Accelerator.TCG, "no permission on /dev/kvm" + TCG),
                host.chooseAccelerator(Accelerator.AUTO, runAs));
    }

    @Test
    void withoutAnEntryExplicitKvmIsRefusedSayingWhy() {
        AcceleratorUnavailableException e = assertThrows(AcceleratorUnavailableException.class,
                () -> host.chooseAccelerator(Accelerator.KVM, runAs));
        assertEquals("KVM requested, but no permission on /dev/kvm", e.getMessage());
    }

    /** TCG needs no device, so none is probed: the stand-in, which answers KVM's ioctl with ENOTTY, is not asked. */
    @Test
    void tcgNeedsNoDevice() {
        assertEquals(new AcceleratorChoice(Accelerator.TCG, "TCG requested"),
                host.chooseAccelerator(Accelerator.TCG, runAs));
    }

    /** With an entry on the real /dev/kvm the device decides: PVM gives TCG, KVM gives KVM, no node gives TCG. */
    @Test
    void withAnEntryTheRealDeviceDecides() throws Exception {
        KvmHostKind kind = KvmHostKind.observed();
        String entry = "u:" + account.name();
        try (Host real = new Host(HostConfig.under(dataDir), (guest, exit) -> { })) {
            if (kind != KvmHostKind.NO_DEVICE) {
                Command.runChecked(List.of("setfacl", "-m", entry + ":rw", "--", KvmHostKind.DEVICE.toString()),
                        Duration.ofSeconds(10));
            }
            AcceleratorChoice expected = switch (kind) {
                case NO_DEVICE -> new AcceleratorChoice(Accelerator.TCG, "no /dev/kvm on this host" + TCG);
                case PVM -> new AcceleratorChoice(Accelerator.TCG,
                        "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels" + TCG);
                case KVM -> new AcceleratorChoice(Accelerator.KVM, "/dev/kvm usable (API 12)");
            };
            assertEquals(expected, real.chooseAccelerator(Accelerator.AUTO, runAs), kind.toString());
        } finally {
            if (Files.exists(KvmHostKind.DEVICE)) {
                Command.runChecked(List.of("setfacl", "-x", entry, "--", KvmHostKind.DEVICE.toString()),
                        Duration.ofSeconds(10));
            }
        }
    }
}
