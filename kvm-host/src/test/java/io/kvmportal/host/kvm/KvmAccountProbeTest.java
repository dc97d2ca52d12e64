package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.TestAccount;

/** Probing /dev/kvm as an unprivileged account: reported, not thrown; an ACL entry grants access. */
class KvmAccountProbeTest {
    private static TestAccount account;

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

    @Test
    void accountWithoutAccessIsNoPermission() {
        KvmStatus status = new KvmProbe().probeAs(account.uid(), account.gid());

        assertEquals(KvmAvailability.NO_PERMISSION, status.availability());
        assertEquals("no permission on /dev/kvm for uid " + account.uid() + " gid " + account.gid(), status.text());
        assertEquals(Accelerator.TCG, AcceleratorChoice.choose(Accelerator.AUTO, status).accelerator());
    }

    @Test
    void anAclEntryForTheAccountMakesItPresent() {
        String entry = "u:" + account.name();
        Command.runChecked(List.of("setfacl", "-m", entry + ":rw", "/dev/kvm"), Duration.ofSeconds(10));
        try {
            KvmStatus status = new KvmProbe().probeAs(account.uid(), account.gid());

            assertEquals(KvmAvailability.PRESENT, status.availability(), status.text());
            assertEquals(12, status.apiVersion());
        } finally {
            Command.runChecked(List.of("setfacl", "-x", entry, "/dev/kvm"), Duration.ofSeconds(10));
        }
    }

    @Test
    void readOnlyAccessIsNotEnough() {
        String entry = "u:" + account.name();
        Command.runChecked(List.of("setfacl", "-m", entry + ":r", "/dev/kvm"), Duration.ofSeconds(10));
        try {
            assertEquals(KvmAvailability.NO_PERMISSION, new KvmProbe().probeAs(account.uid(), account.gid()).availability());
        } finally {
            Command.runChecked(List.of("setfacl", "-x", entry, "/dev/kvm"), Duration.ofSeconds(10));
        }
    }
}
