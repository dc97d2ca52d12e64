package io.kvmportal.auth;

import java.time.Duration;

/**
 * The arithmetic of the sign-in throttle for one kind of key (login name or client address), apart from where its
 * counts are kept: the first {@code freeFailures} failures cost nothing, each one after that doubles the wait
 * before the next attempt, from {@code firstDelay} up to {@code maxDelay}.
 */
record ThrottleRule(int freeFailures, Duration firstDelay, Duration maxDelay) {

    Duration delayAfter(int failureCount) {
        int excess = failureCount - freeFailures;
        if (excess <= 0) {
            return Duration.ZERO;
        }
        Duration delay = firstDelay.multipliedBy(1L << Math.min(excess - 1, 20));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
