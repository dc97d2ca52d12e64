package io.kvmportal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The throttle's rules without a database: delays and the keys failures count under. How the counts behave when
 * kept in the database (waits, success, windows, parallel sign-ins, two portals) is {@code SignInThrottleContract}.
 */
class SignInThrottleTest {
    private final ThrottleRule login = new ThrottleRule(3, Duration.ofSeconds(2), Duration.ofSeconds(60));
    private final ThrottleRule address = new ThrottleRule(30, Duration.ofSeconds(2), Duration.ofSeconds(60));

    @ParameterizedTest
    @CsvSource({"1,0", "3,0", "4,2", "5,4", "6,8", "8,32", "9,60", "40,60"})
    void delayDoublesAfterTheFreeFailuresUpToTheMaximum(int failures, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), login.delayAfter(failures));
    }

    @ParameterizedTest
    @CsvSource({"1,0", "30,0", "31,2", "32,4", "36,60", "1000000,60"})
    void anAddressHasAWiderAllowanceThenTheSameDoubling(int failures, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), address.delayAfter(failures));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "eve|login:eve",
        "' EVE '|login:eve",
        "|login:",
    })
    void loginNamesCountInLowerCaseWhetherOrNotTheyExist(String name, String key) {
        assertEquals(key, ThrottleKeys.login(name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "203.0.113.7|address:203.0.113.7",
        "2001:db8:1:2:aaaa:bbbb:cccc:dddd|address:2001:db8:1:2:0:0:0:0/64",
        "2001:db8:1:2::99|address:2001:db8:1:2:0:0:0:0/64",
        "[2001:db8:1:2::1]|address:2001:db8:1:2:0:0:0:0/64",
        "fe80::1%eth0|address:fe80:0:0:0:0:0:0:0/64",
        "::ffff:203.0.113.7|address:203.0.113.7",
        "not-an-address.example|address:not-an-address.example",
    })
    void addressesCountAsThemselvesOrByTheirSlash64(String remoteAddr, String key) {
        assertEquals(key, ThrottleKeys.address(remoteAddr));
    }

    @ParameterizedTest
    @CsvSource({"0.001,1", "1,1", "1.2,2", "63,63"})
    void waitsAreSaidInWholeSecondsRoundedUp(double seconds, long said) {
        assertEquals(said, AuthenticationException.seconds(Duration.ofMillis((long) (seconds * 1000))));
    }

    @ParameterizedTest
    @CsvSource({"64", "200"})
    void longLoginNamesAreCutSoTheKeyStaysBounded(int length) {
        String key = ThrottleKeys.login("x".repeat(length));
        assertEquals("login:".length() + 64, key.length());
    }
}
