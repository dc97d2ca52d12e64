package io.kvmportal.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvmportal.account.SecurityConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignInThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final SignInThrottle throttle = new SignInThrottle(configuration(), clock);

    private static SecurityConfiguration configuration() {
        SecurityConfiguration configuration = new SecurityConfiguration();
        configuration.setFreeFailures(3);
        configuration.setFirstDelay(Duration.ofSeconds(2));
        configuration.setMaxDelay(Duration.ofSeconds(60));
        return configuration;
    }

    @ParameterizedTest
    @CsvSource({"1,0", "3,0", "4,2", "5,4", "6,8", "8,32", "9,60", "40,60"})
    void delayDoublesAfterTheFreeFailuresUpToTheMaximum(int failures, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), throttle.delayAfter(failures));
    }

    @Test
    void aThrottledLoginWaitsThenMayTryAgain() {
        for (int i = 0; i < 4; i++) {
            throttle.checkAllowed("eve");
            throttle.recordFailure("eve");
        }
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> throttle.checkAllowed("eve"));
        assertEquals(AuthenticationException.Reason.THROTTLED, refused.reason());
        assertDoesNotThrow(() -> throttle.checkAllowed("someone-else"));
        assertThrows(AuthenticationException.class, () -> throttle.checkAllowed(" EVE "), "same name, other case");
        clock.advance(Duration.ofSeconds(2));
        assertDoesNotThrow(() -> throttle.checkAllowed("eve"));
    }

    @Test
    void successForgetsTheFailures() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("frank");
        }
        clock.advance(Duration.ofSeconds(2));
        throttle.recordSuccess("frank");
        throttle.recordFailure("frank");
        assertDoesNotThrow(() -> throttle.checkAllowed("frank"));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
