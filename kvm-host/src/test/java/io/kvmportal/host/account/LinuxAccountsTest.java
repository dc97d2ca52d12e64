package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.ForeignAccount;
import io.kvmportal.host.testing.TestNames;

/**
 * Real accounts through useradd, getent and userdel; every account is named kvmptest-* and removed. Accounts made
 * here carry this installation's mark and only those are removed; one made otherwise (by useradd directly, here)
 * is adopted as it is and left in place.
 */
class LinuxAccountsTest {
    private final InstallationId installation = InstallationId.random();
    private final LinuxAccounts accounts = new LinuxAccounts(installation);
    private final LinuxAccountName name = LinuxAccountName.of(TestNames.random());

    @AfterEach
    void removeAccount() {
        Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
    }

    @Test
    void ensureCreatesASystemAccountWithoutLoginOrHome() {
        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));

        LinuxAccount account = accounts.ensure(name);

        assertEquals(name, account.name());
        assertTrue(account.uid() > 0 && account.uid() < 1000, "system uid, got " + account.uid());
        String passwd = Command.runChecked(List.of("getent", "passwd", name.value()), Duration.ofSeconds(10));
        assertTrue(passwd.strip().endsWith(":/usr/sbin/nologin"), passwd);
        assertEquals("kvm-portal " + installation.value(), passwd.split(":")[4], "the mark: " + passwd);
        assertEquals(Optional.of(installation), account.mark());
        String group = Command.runChecked(List.of("getent", "group", name.value()), Duration.ofSeconds(10));
        assertTrue(group.startsWith(name.value() + ":x:" + account.gid() + ":"), "a group of its own: " + group);
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/home", name.value())));
    }

    @Test
    void ensureIsIdempotentAndLookupFindsIt() {
        LinuxAccount created = accounts.ensure(name);

        assertEquals(created, accounts.ensure(name));
        assertEquals(Optional.of(created), LinuxAccounts.lookup(name));
    }

    @Test
    void removeDeletesItsOwnAccountAndGroupAndSaysWhetherThereWasOne() {
        accounts.ensure(name);
        List<String> before = new ArrayList<>();

        assertEquals(AccountRemoval.REMOVED, accounts.remove(name, () -> before.add("ran")));

        assertEquals(List.of("ran"), before);
        assertEquals(Optional.empty(), LinuxAccounts.lookup(name));
        assertEquals(2, Command.run(List.of("getent", "group", name.value()), Duration.ofSeconds(10)).exitCode());
        assertEquals(AccountRemoval.NO_ACCOUNT, accounts.remove(name, () -> before.add("ran again")));
        assertEquals(List.of("ran"), before);
    }

    /**
     * Made by useradd directly: by an administrator, another portal, an older portal or a test run. ensure adopts
     * it as it is and remove leaves it, without running what goes before a deletion.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                                            | LEFT_UNMARKED",
        "Alice Admin,,,                              | LEFT_UNMARKED",
        "kvm-portal                                  | LEFT_UNMARKED",
        "kvm-portal 00112233445566778899AABBCCDDEEFF | LEFT_UNMARKED",
        "kvm-portal 00112233445566778899aabbccddeeff | LEFT_OTHER_INSTALLATION"})
    void anAccountMadeOtherwiseIsAdoptedAsItIsAndLeftInPlace(String comment, AccountRemoval expected) {
        ForeignAccount.create(name, comment);
        String gecos = comment == null ? "" : comment;
        assertEquals(gecos, gecos());

        LinuxAccount adopted = accounts.ensure(name);
        assertFalse(adopted.createdBy(installation), adopted.toString());
        assertEquals(gecos, gecos(), "ensure does not mark an account it adopts");
        List<String> before = new ArrayList<>();

        assertEquals(expected, accounts.remove(name, () -> before.add("ran")));

        assertTrue(expected.leftInPlace());
        assertEquals(List.of(), before, "nothing is done to an account that is not ours");
        assertEquals(Optional.of(adopted), LinuxAccounts.lookup(name));
        assertEquals(gecos, gecos());
    }

    private String gecos() {
        return Command.runChecked(List.of("getent", "passwd", name.value()), Duration.ofSeconds(10)).split(":")[4];
    }

    @Test
    void rootIsRefusedWhenNamed() {
        AccountRefusedException e = assertThrows(AccountRefusedException.class,
                () -> LinuxAccounts.lookup(LinuxAccountName.of("root")));
        assertEquals("account root (uid 0, gid 0) refused: guests never run as root or a negative id", e.getMessage());
        assertThrows(AccountRefusedException.class, () -> accounts.ensure(LinuxAccountName.of("root")));
    }

    @Test
    void anExistingAccountMayBeNamedInsteadOfTheDefault() {
        LinuxAccount nobody = LinuxAccounts.lookup(LinuxAccountName.of("nobody")).orElseThrow();
        assertEquals(65534, nobody.uid());
    }
}
