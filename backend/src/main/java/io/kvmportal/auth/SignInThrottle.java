package io.kvmportal.auth;

import io.kvmportal.account.SecurityConfiguration;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Slows down guessing: after a few free failures for one login name, each further failure doubles the time
 * before the next attempt for that name is even checked. Unknown names are throttled like known ones, so the
 * throttle reveals nothing. Kept in memory (one portal process); bounded, dropping the oldest entries.
 */
@Singleton
class SignInThrottle {
    private static final int MAX_TRACKED_LOGINS = 10_000;
    private final SecurityConfiguration configuration;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED_LOGINS;
        }
    };

    SignInThrottle(SecurityConfiguration configuration, Clock clock) {
        this.configuration = configuration;
        this.clock = clock;
    }

    private record Failures(int count, Instant blockedUntil) {
    }

    /** Throws if this login name must wait before its next attempt. */
    synchronized void checkAllowed(String login) {
        Failures current = failures.get(key(login));
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.blockedUntil())) {
            long seconds = Math.max(1, Duration.between(now, current.blockedUntil()).toSeconds());
            throw AuthenticationException.throttled(seconds);
        }
    }

    synchronized void recordFailure(String login) {
        Failures current = failures.getOrDefault(key(login), new Failures(0, Instant.MIN));
        int count = current.count() + 1;
        failures.put(key(login), new Failures(count, clock.instant().plus(delayAfter(count))));
    }

    synchronized void recordSuccess(String login) {
        failures.remove(key(login));
    }

    Duration delayAfter(int failureCount) {
        int excess = failureCount - configuration.getFreeFailures();
        if (excess <= 0) {
            return Duration.ZERO;
        }
        Duration delay = configuration.getFirstDelay().multipliedBy(1L << Math.min(excess - 1, 20));
        return delay.compareTo(configuration.getMaxDelay()) > 0 ? configuration.getMaxDelay() : delay;
    }

    private static String key(String login) {
        String name = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
