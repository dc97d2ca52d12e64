package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * getent's answer is parsed strictly: one line, seven fields, the name asked for, plain ids, never 0; the GECOS
 * field is a portal's mark only when it is exactly one.
 */
class PasswdLineTest {
    private static final LinuxAccountName NAME = LinuxAccountName.of("kvmp-alice");

    @Test
    void readsUidAndGid() {
        LinuxAccount account = LinuxAccounts.parsePasswdLine(NAME, "kvmp-alice:x:998:996::/home/kvmp-alice:/usr/sbin/nologin\n");
        assertEquals(new LinuxAccount(NAME, 998, 996, Optional.empty()), account);
    }

    @Test
    void readsTheMarkFromTheGecosField() {
        LinuxAccount account = LinuxAccounts.parsePasswdLine(NAME,
                "kvmp-alice:x:998:996:kvm-portal 0123456789abcdef0123456789abcdef:/:/usr/sbin/nologin\n");
        assertEquals(Optional.of(new InstallationId("0123456789abcdef0123456789abcdef")), account.mark());
        assertTrue(account.createdBy(new InstallationId("0123456789abcdef0123456789abcdef")));
        assertFalse(account.createdBy(new InstallationId("fedcba9876543210fedcba9876543210")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice Admin,,,", "kvm-portal", "kvm-portal 0123456789ABCDEF0123456789ABCDEF",
        "kvm-portal 0123456789abcdef0123456789abcde", "kvm-portal 0123456789abcdef0123456789abcdef0",
        "kvm-portal 0123456789abcdef0123456789abcdef,,,", "kvm-portal  0123456789abcdef0123456789abcdef",
        " kvm-portal 0123456789abcdef0123456789abcdef", "kvm-portal\t0123456789abcdef0123456789abcdef",
        "KVM-PORTAL 0123456789abcdef0123456789abcdef"})
    void aGecosFieldThatIsNotExactlyAMarkIsNoMark(String gecos) {
        LinuxAccount account = LinuxAccounts.parsePasswdLine(NAME, "kvmp-alice:x:998:996:" + gecos + ":/:/bin/sh\n");
        assertEquals(Optional.empty(), account.mark());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "kvmp-alice:x:998:996::/home/kvmp-alice:/usr/sbin/nologin",
        "kvmp-alice:x:998:996::/:/bin/sh\nkvmp-alice:x:1:1::/:/bin/sh\n",
        "kvmp-alice:x:998:996::/home/x\n",
        "kvmp-alice:x:998:996::/:/bin/sh:extra\n",
        "kvmp-bob:x:998:996::/:/usr/sbin/nologin\n",
        "kvmp-alice:x:+998:996::/:/usr/sbin/nologin\n",
        "kvmp-alice:x:-1:996::/:/usr/sbin/nologin\n",
        "kvmp-alice:x:99999999999:996::/:/usr/sbin/nologin\n",
        "kvmp-alice:x::996::/:/usr/sbin/nologin\n",
        "kvmp-alice:x:0:996::/root:/bin/bash\n",
        "kvmp-alice:x:998:0::/:/usr/sbin/nologin\n",
        "kvmp-alice:x:998:996:kvm-portal 0123456789abcdef0123456789abcdef:/:/bin/sh:x\n",
        "\n"})
    void anythingElseIsRefused(String output) {
        assertThrows(AccountRefusedException.class, () -> LinuxAccounts.parsePasswdLine(NAME, output));
    }
}
