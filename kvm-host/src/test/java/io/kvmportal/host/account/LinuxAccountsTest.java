package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.TestNames;

/** Real accounts through useradd, getent and userdel; every account is named kvmptest-* and removed. */
class LinuxAccountsTest {
    private final LinuxAccounts accounts = new LinuxAccounts();
    private final LinuxAccountName name = LinuxAccountName.of(TestNames.random());

    @AfterEach
    void removeAccount() {
        Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
    }

    @Test
    void ensureCreatesASystemAccountWithoutLoginOrHome() {
        assertEquals(Optional.empty(), accounts.lookup(name));

        LinuxAccount account = accounts.ensure(name);

        assertEquals(name, account.name());
        assertTrue(account.uid() > 0 && account.uid() < 1000, "system uid, got " + account.uid());
        String passwd = Command.runChecked(List.of("getent", "passwd", name.value()), Duration.ofSeconds(10));
        assertTrue(passwd.strip().endsWith(":/usr/sbin/nologin"), passwd);
        String group = Command.runChecked(List.of("getent", "group", name.value()), Duration.ofSeconds(10));
        assertTrue(group.startsWith(name.value() + ":x:" + account.gid() + ":"), "a group of its own: " + group);
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/home", name.value())));
    }

    @Test
    void ensureIsIdempotentAndLookupFindsIt() {
        LinuxAccount created = accounts.ensure(name);

        assertEquals(created, accounts.ensure(name));
        assertEquals(Optional.of(created), accounts.lookup(name));
    }

    @Test
    void removeDeletesAccountAndGroupAndSaysWhetherThereWasOne() {
        accounts.ensure(name);

        assertTrue(accounts.remove(name));

        assertEquals(Optional.empty(), accounts.lookup(name));
        assertEquals(2, Command.run(List.of("getent", "group", name.value()), Duration.ofSeconds(10)).exitCode());
        assertFalse(accounts.remove(name));
    }

    @Test
    void rootIsRefusedWhenNamed() {
        AccountRefusedException e = assertThrows(AccountRefusedException.class,
                () -> accounts.lookup(LinuxAccountName.of("root")));
        assertEquals("account root (uid 0, gid 0) refused: guests never run as root or a negative id", e.getMessage());
        assertThrows(AccountRefusedException.class, () -> accounts.ensure(LinuxAccountName.of("root")));
    }

    @Test
    void anExistingAccountMayBeNamedInsteadOfTheDefault() {
        LinuxAccount nobody = accounts.lookup(LinuxAccountName.of("nobody")).orElseThrow();
        assertEquals(65534, nobody.uid());
    }
}
