package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.KvmHostKind;
import io.kvmportal.host.testing.TestAccount;
import io.kvmportal.host.testing.TestKvmNode;

/**
 * Probing as an unprivileged account: reported, not thrown; an ACL entry grants access. The permission check runs on a
 * stand-in node the test makes (on every kind of host); one test probes the real /dev/kvm and expects what the kind
 * of host it finds allows.
 */
class KvmAccountProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static TestAccount account;
    private TestKvmNode node;
    private KvmProbe probe;

    @BeforeAll
    static void createAccount() {
        account = TestAccount.create();
    }

    @AfterAll
    static void deleteAccount() {
        if (account != null) {
            account.close();
        }
    }

    @BeforeEach
    void node() throws Exception {
        node = TestKvmNode.create();
        probe = new KvmProbe(node.path(), Path.of("/sys/module"));
    }

    @AfterEach
    void removeNode() throws Exception {
        node.close();
    }

    @Test
    void accountWithoutAnEntryIsNoPermission() {
        KvmStatus status = probe.probeAs(account.uid(), account.gid());

        assertEquals(KvmAvailability.NO_PERMISSION, status.availability());
        assertEquals("no permission on " + node + " for uid " + account.uid() + " gid " + account.gid(), status.text());
        assertEquals(new AcceleratorChoice(Accelerator.TCG,
                "no permission on /dev/kvm, so guests run under TCG (emulation, slower)"),
                AcceleratorChoice.choose(Accelerator.AUTO, status));
    }

    /**
     * With a read-write entry the account passes the permission check, and the probe goes on to ask the node for
     * KVM's API version: a regular file answers that ioctl with ENOTTY, which is no availability answer, so it is
     * thrown (a NO_PERMISSION here would mean the entry was not honoured).
     */
    @Test
    void aReadWriteEntryPassesThePermissionCheckAndTheNodeItselfAnswers() {
        setfacl("-m", "u:" + account.name() + ":rw");

        NativeCallException e = assertThrows(NativeCallException.class,
                () -> probe.probeAs(account.uid(), account.gid()));

        assertEquals("ioctl", e.call());
        assertEquals(25, e.errno(), "ENOTTY: " + e.getMessage());
    }

    @Test
    void readOnlyAccessIsNotEnough() {
        setfacl("-m", "u:" + account.name() + ":r");

        assertEquals(KvmAvailability.NO_PERMISSION, probe.probeAs(account.uid(), account.gid()).availability());
    }

    @Test
    void withoutANodeTheAnswerIsAbsentWhateverThePermission() {
        KvmStatus status = new KvmProbe(node.missing(), node.missing().getParent()).probeAs(account.uid(),
                account.gid());

        assertEquals(KvmAvailability.ABSENT, status.availability());
        assertEquals("no " + node.missing() + " on this host (no kvm_intel, kvm_amd or kvm_pvm module is loaded)",
                status.text());
    }

    /**
     * The real /dev/kvm as the account, without and with an entry: no node means absent either way; a node means no
     * permission without the entry (unless its mode lets everyone in) and present with it, PVM or not as the host is.
     */
    @Test
    void theRealDeviceAnswersAsTheHostAllows() {
        KvmHostKind kind = KvmHostKind.observed();
        KvmProbe real = new KvmProbe();
        KvmStatus without = real.probeAs(account.uid(), account.gid());
        if (kind == KvmHostKind.NO_DEVICE) {
            assertEquals(KvmAvailability.ABSENT, without.availability(), without.text());
            assertEquals(KvmHostKind.pvmModuleLoaded(), without.pvm(), without.text());
            return; // no node to give an entry on: nothing a grant could change
        }
        assertEquals(KvmHostKind.openToEveryone() ? KvmAvailability.PRESENT : KvmAvailability.NO_PERMISSION,
                without.availability(), kind + ": " + without.text());
        String entry = "u:" + account.name();
        Command.runChecked(List.of("setfacl", "-m", entry + ":rw", "--", KvmHostKind.DEVICE.toString()), TIMEOUT);
        try {
            KvmStatus with = real.probeAs(account.uid(), account.gid());

            assertEquals(KvmAvailability.PRESENT, with.availability(), with.text());
            assertEquals(12, with.apiVersion());
            assertEquals(kind == KvmHostKind.PVM, with.pvm(), with.text());
        } finally {
            Command.runChecked(List.of("setfacl", "-x", entry, "--", KvmHostKind.DEVICE.toString()), TIMEOUT);
        }
    }

    private void setfacl(String option, String entry) {
        Command.runChecked(List.of("setfacl", option, entry, "--", node.toString()), TIMEOUT);
    }
}
