package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** getent's answer is parsed strictly: one line, seven fields, the name asked for, plain ids, never 0. */
class PasswdLineTest {
    private static final LinuxAccountName NAME = LinuxAccountName.of("kvmp-alice");

    @Test
    void readsUidAndGid() {
        LinuxAccount account = LinuxAccounts.parsePasswdLine(NAME, "kvmp-alice:x:998:996::/home/kvmp-alice:/usr/sbin/nologin\n");
        assertEquals(new LinuxAccount(NAME, 998, 996), account);
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
        "\n"})
    void anythingElseIsRefused(String output) {
        assertThrows(AccountRefusedException.class, () -> LinuxAccounts.parsePasswdLine(NAME, output));
    }
}
