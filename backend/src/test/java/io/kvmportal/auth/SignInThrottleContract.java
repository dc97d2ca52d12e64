package io.kvmportal.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.SecurityConfiguration;
import io.kvmportal.auth.AuthenticationException.Reason;
import io.kvmportal.persistence.Sql;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.MutableClock;
import io.kvmportal.testing.TestRows;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle on every database (see the subclasses): throttles built by hand on the test's beans with a
 * clock the test moves, and a second application context on the same database for a second portal process.
 */
abstract class SignInThrottleContract extends DatabaseTest {
    private static final String HERE = "198.51.100.1";
    private static final String THERE = "198.51.100.2";
    private static final int ADDRESS_FREE = 5;
    private static final int LOGIN_FREE = 3;
    @Inject
    ApplicationContext context;
    @Inject
    TestRows rows;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private SignInThrottle throttle;

    @BeforeEach
    void freshThrottle() {
        rows.forgetSignInFailures();
        throttle = throttleOf(context);
    }

    @Test
    void aThrottledLoginWaitsThenMayTryAgain() {
        for (int i = 0; i < LOGIN_FREE + 1; i++) {
            throttle.reserve("eve", HERE);
        }
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> throttle.reserve("eve", THERE));
        assertEquals(Reason.THROTTLED, refused.reason());
        assertEquals(Optional.of(Duration.ofSeconds(2)), refused.retryAfter());
        assertThrows(AuthenticationException.class, () -> throttle.reserve(" EVE ", THERE), "same name, other case");
        assertDoesNotThrow(() -> throttle.reserve("someone-else", THERE));
        clock.advance(Duration.ofSeconds(2));
        assertDoesNotThrow(() -> throttle.reserve("eve", HERE));
        assertEquals(LOGIN_FREE + 2, failures("login:eve"), "a refused attempt is not counted");
    }

    @Test
    void aRightPasswordForgetsTheLoginsFailuresButNotTheAddresss() {
        for (int i = 0; i < LOGIN_FREE + 1; i++) {
            throttle.reserve("frank", HERE);
        }
        clock.advance(Duration.ofSeconds(2));
        throttle.reserve("frank", HERE);
        throttle.release("frank", HERE);
        assertEquals(0, failures("login:frank"));
        assertEquals(LOGIN_FREE + 1, failures("address:" + HERE), "the right one is taken back, the rest stay");
        throttle.reserve("frank", HERE);
        assertDoesNotThrow(() -> throttle.reserve("frank", HERE));
    }

    @Test
    void sprayingFromOneAddressIsRefusedAfterItsAllowanceOtherAddressesAreNot() {
        for (int i = 0; i <= ADDRESS_FREE; i++) {
            throttle.reserve("sprayed-" + i, HERE);
        }
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> throttle.reserve("fresh-login", HERE));
        assertEquals(Reason.ADDRESS_THROTTLED, refused.reason());
        assertTrue(refused.getMessage().contains("network address"), refused.getMessage());
        assertDoesNotThrow(() -> throttle.reserve("fresh-login", THERE));
        assertDoesNotThrow(() -> throttle.reserve("sprayed-0", THERE), "the logins themselves were tried once each");
    }

    @Test
    void anIpv6AddressCountsByItsSlash64() {
        for (int i = 0; i <= ADDRESS_FREE; i++) {
            throttle.reserve("v6-" + i, "2001:db8:0:7::" + Integer.toHexString(i + 1));
        }
        assertThrows(AuthenticationException.class, () -> throttle.reserve("v6-new", "2001:db8:0:7:ffff::1"));
        assertDoesNotThrow(() -> throttle.reserve("v6-new", "2001:db8:0:8::1"));
    }

    /** N attempts at once: each counts, and exactly as many pass as one after the other would. */
    @Test
    void parallelAttemptsAllCountAndNoneSlipsPastTheLimit() throws Exception {
        int parallel = 24;
        assertEquals(ADDRESS_FREE + 1, passing(parallel, i -> new String[] {"spray-" + i, HERE}));
        assertEquals(ADDRESS_FREE + 1, failures("address:" + HERE));
        assertEquals(LOGIN_FREE + 1, passing(parallel, i -> new String[] {"target", "203.0.113." + i}));
        assertEquals(LOGIN_FREE + 1, failures("login:target"));
    }

    /** On the real clock: an attempt that waited for another's lock must not find that one in its future. */
    @Test
    void parallelAttemptsWithinTheAllowanceAllPass() throws Exception {
        int parallel = 24;
        throttle = throttleOf(context, Clock.systemUTC(), parallel);
        assertEquals(parallel, passing(parallel, i -> new String[] {"within-" + i, THERE}));
        assertEquals(parallel, failures("address:" + THERE));
    }

    @Test
    void aSecondPortalOnTheSameDatabaseSeesTheFailures() {
        Map<String, Object> properties = new java.util.HashMap<>(samePortal(context));
        try (ApplicationContext second = ApplicationContext.builder().environments("test").properties(properties)
                .start()) {
            SignInThrottle other = throttleOf(second);
            for (int i = 0; i < LOGIN_FREE + 1; i++) {
                throttle.reserve("shared", HERE);
            }
            assertEquals(Reason.THROTTLED, assertThrows(AuthenticationException.class,
                    () -> other.reserve("shared", THERE)).reason());
            clock.advance(Duration.ofSeconds(2));
            other.reserve("shared", THERE);
            other.release("shared", THERE);
            assertDoesNotThrow(() -> throttle.reserve("shared", HERE), "the other portal's success counts here");
        }
    }

    @Test
    void aWindowStartsTheCountAfreshAndRowsThatChangeNothingAreDeleted() {
        for (int i = 0; i < LOGIN_FREE + 1; i++) {
            throttle.reserve("gina", HERE);
        }
        throttle.reserve("hank", THERE);
        clock.advance(Duration.ofHours(1).plusSeconds(61));
        throttle.reserve("gina", HERE);
        assertEquals(1, failures("login:gina"));
        assertEquals(List.of("address:" + HERE, "login:gina"), keys(), "hank's and THERE's rows are gone");
    }

    private SignInThrottle throttleOf(ApplicationContext beans) {
        return throttleOf(beans, clock, ADDRESS_FREE);
    }

    private SignInThrottle throttleOf(ApplicationContext beans, Clock time, int addressFree) {
        SecurityConfiguration configuration = new SecurityConfiguration();
        configuration.setFreeFailures(LOGIN_FREE);
        configuration.setAddressFreeFailures(addressFree);
        configuration.setFirstDelay(Duration.ofSeconds(2));
        configuration.setMaxDelay(Duration.ofSeconds(60));
        configuration.setFailureWindow(Duration.ofHours(1));
        return new SignInThrottle(configuration, beans.getBean(SignInThrottleRepository.class),
                beans.getBean(Argument.of(TransactionOperations.class, Connection.class)), time);
    }

    private Map<String, Object> samePortal(ApplicationContext beans) {
        return Map.of("datasources.default.url", beans.getRequiredProperty("datasources.default.url", String.class),
                "portal.data-dir", beans.getRequiredProperty("portal.data-dir", String.class),
                "portal.host.agent-socket", beans.getRequiredProperty("portal.host.agent-socket", String.class));
    }

    /** How many of {@code count} attempts at once, {@code i} -> {login, address}, the throttle lets through. */
    private int passing(int count, IntFunction<String[]> attempt) throws Exception {
        CyclicBarrier start = new CyclicBarrier(count);
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String[] loginAndAddress = attempt.apply(i);
                results.add(threads.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        throttle.reserve(loginAndAddress[0], loginAndAddress[1]);
                        return true;
                    } catch (AuthenticationException refused) {
                        return false;
                    }
                }));
            }
            int passed = 0;
            for (Future<Boolean> result : results) {
                passed += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            return passed;
        } finally {
            threads.shutdownNow();
        }
    }

    private int failures(String key) {
        return reader().count(key);
    }

    private List<String> keys() {
        return reader().keys();
    }

    private Reader reader() {
        return context.getBean(Reader.class);
    }

    /** The throttle's table as it is, read in a transaction of its own. */
    @jakarta.inject.Singleton
    static class Reader {
        @Inject
        Sql sql;

        @io.micronaut.transaction.annotation.ReadOnly
        int count(String key) {
            return (int) sql.count("SELECT failures FROM sign_in_throttle WHERE throttle_key = ?", key);
        }

        @io.micronaut.transaction.annotation.ReadOnly
        List<String> keys() {
            return sql.list("SELECT throttle_key FROM sign_in_throttle ORDER BY throttle_key", row -> row.getString(1));
        }
    }
}
