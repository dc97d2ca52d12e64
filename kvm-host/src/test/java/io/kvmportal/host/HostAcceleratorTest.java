package io.kvmportal.host;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.AcceleratorUnavailableException;
import io.kvmportal.host.qemu.RunAs;
import io.kvmportal.host.testing.TestAccount;

/** The accelerator is chosen with the guest owner's access to /dev/kvm, not the portal's. */
class HostAcceleratorTest {
    private static TestAccount account;
    private static RunAs runAs;
    @TempDir
    static Path dataDir;
    private Host host;

    @BeforeEach
    void host() {
        host = new Host(HostConfig.under(dataDir), (guest, exit) -> { });
    }

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

    @Test
    void withoutAccessAutoIsTcgForLackOfPermission() {
        assertEquals(new AcceleratorChoice(Accelerator.TCG, "no permission on /dev/kvm"),
                host.chooseAccelerator(Accelerator.AUTO, runAs));
    }

    @Test
    void withoutAccessExplicitKvmIsRefusedSayingWhy() {
        AcceleratorUnavailableException e = assertThrows(AcceleratorUnavailableException.class,
                () -> host.chooseAccelerator(Accelerator.KVM, runAs));
        assertEquals("KVM requested, but no permission on /dev/kvm", e.getMessage());
    }

    @Test
    void withAnAclEntryTheDeviceItselfDecidesHereItIsPvm() {
        String entry = "u:" + account.name();
        Command.runChecked(List.of("setfacl", "-m", entry + ":rw", "/dev/kvm"), Duration.ofSeconds(10));
        try {
            assertEquals(new AcceleratorChoice(Accelerator.TCG,
                    "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels"),
                    host.chooseAccelerator(Accelerator.AUTO, runAs));
        } finally {
            Command.runChecked(List.of("setfacl", "-x", entry, "/dev/kvm"), Duration.ofSeconds(10));
        }
    }

    @Test
    void tcgNeedsNoDevice() {
        assertEquals(new AcceleratorChoice(Accelerator.TCG, "TCG requested"), host.chooseAccelerator(Accelerator.TCG, runAs));
    }
}
