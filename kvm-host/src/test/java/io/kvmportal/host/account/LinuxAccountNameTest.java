package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinuxAccountNameTest {

    @ParameterizedTest
    @CsvSource({"alice, kvmp-alice", "bo, kvmp-bo", "a1-b2, kvmp-a1-b2", "x-, kvmp-x-"})
    void loginBecomesPrefixedAccount(String login, String account) {
        assertEquals(account, LinuxAccountName.forLogin(login).value());
    }

    @Test
    void longestLoginGivesAThirtyTwoCharacterName() {
        String login = "a".repeat(27);
        assertEquals(32, LinuxAccountName.forLogin(login).value().length());
        assertThrows(AccountRefusedException.class, () -> LinuxAccountName.forLogin(login + "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Alice", "1abc", "-rf", "al ice", "a;id", "a$(id)", "a/b", "a.b", "a_b",
            "al\u00e9", "a\nb", "../etc", "kvmp-x:0:0"})
    void badLoginsAreRefusedNamingTheValue(String login) {
        AccountRefusedException e = assertThrows(AccountRefusedException.class, () -> LinuxAccountName.forLogin(login));
        assertTrue(e.getMessage().startsWith("login \""), e.getMessage());
    }

    @Test
    void nullLoginIsRefused() {
        assertThrows(AccountRefusedException.class, () -> LinuxAccountName.forLogin(null));
    }

    @Test
    void refusedValueIsShownEscapedAndCut() {
        AccountRefusedException e = assertThrows(AccountRefusedException.class,
                () -> LinuxAccountName.forLogin("a\nb" + "c".repeat(100)));
        assertTrue(e.getMessage().startsWith("login \"a\\u000ab" + "c".repeat(37) + "...\" refused"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"libvirt-qemu", "kvmptest-00aa11", "root", "abcdefghijabcdefghijabcdefghij12"})
    void existingAccountNamesPassTheSameCheck(String name) {
        assertEquals(name, LinuxAccountName.of(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1000", "-x", "a b", "a:b", "_apt", "systemd-timesync ", "A"})
    void badAccountNamesAreRefused(String name) {
        assertThrows(AccountRefusedException.class, () -> LinuxAccountName.of(name));
    }

    @Test
    void accountOver32CharactersIsRefused() {
        assertThrows(AccountRefusedException.class, () -> LinuxAccountName.of("a".repeat(33)));
    }
}
