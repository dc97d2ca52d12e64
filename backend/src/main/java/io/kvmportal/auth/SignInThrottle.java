package io.kvmportal.auth;

import io.kvmportal.account.SecurityConfiguration;
import io.kvmportal.auth.SignInThrottleRepository.Failures;
import io.kvmportal.persistence.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down guessing, per login name and per client address ({@link ThrottleKeys}): after a few free failures
 * ({@link ThrottleRule}), each further failure doubles the wait before the next attempt is even checked. The
 * counts live in the database, so every portal process on it sees them. An attempt counts as a failure before its
 * password is checked, under a lock on its keys' rows, so N parallel attempts count N times and none slips past
 * the limit; a right password takes it back. Unknown login names are throttled like known ones.
 */
@Singleton
class SignInThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(SignInThrottle.class);
    private static final int TRIES = 3;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private final ThrottleRule loginRule;
    private final ThrottleRule addressRule;
    private final Duration window;
    private final Duration maxDelay;
    private final SignInThrottleRepository rows;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    SignInThrottle(SecurityConfiguration configuration, SignInThrottleRepository rows,
                   TransactionOperations<Connection> transactions, Clock clock) {
        this.maxDelay = configuration.getMaxDelay();
        this.window = configuration.getFailureWindow();
        if (window.compareTo(maxDelay) < 0) {
            // Counts are forgotten after the window; a wait longer than that would be cut short.
            throw new IllegalStateException("portal.security.failure-window (" + window
                    + ") is shorter than portal.security.max-delay (" + maxDelay + ")");
        }
        this.loginRule = new ThrottleRule(configuration.getFreeFailures(), configuration.getFirstDelay(), maxDelay);
        this.addressRule = new ThrottleRule(configuration.getAddressFreeFailures(), configuration.getFirstDelay(),
                maxDelay);
        this.rows = rows;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Counts this attempt as a failure of its login name and its address, or refuses it while either must wait. */
    void reserve(String login, String address) {
        String addressKey = ThrottleKeys.address(address);
        String loginKey = ThrottleKeys.login(login);
        inTransaction(() -> {
            // Always the address's row first: two sign-ins never wait for each other's locks in a circle.
            Optional<Failures> fromAddress = rows.lock(addressKey);
            Optional<Failures> forLogin = rows.lock(loginKey);
            // Read after the locks: a sign-in that waited for them must not see the one before it in its future.
            Instant now = clock.instant();
            refuseWhileWaiting(fromAddress, addressRule, now, AuthenticationException::addressThrottled);
            refuseWhileWaiting(forLogin, loginRule, now, AuthenticationException::throttled);
            count(addressKey, fromAddress, now);
            count(loginKey, forLogin, now);
        });
        pruneIfDue();
    }

    /**
     * The password was right, so the attempt was no failure: the login's failures are forgotten, and the address
     * gets this one back but keeps the others' (a NAT's users must not wipe a guesser's count by signing in).
     */
    void release(String login, String address) {
        inTransaction(() -> {
            rows.takeBack(ThrottleKeys.address(address));
            rows.delete(ThrottleKeys.login(login));
        });
    }

    private void refuseWhileWaiting(Optional<Failures> failures, ThrottleRule rule, Instant now,
                                    Function<Duration, AuthenticationException> refusal) {
        Duration delay = failures.map(counted -> rule.delayAfter(counted.count())).orElse(Duration.ZERO);
        if (!delay.isZero()) {
            Instant until = failures.get().lastFailureAt().plus(delay);
            if (now.isBefore(until)) {
                throw refusal.apply(Duration.between(now, until));
            }
        }
    }

    private void count(String key, Optional<Failures> failures, Instant now) {
        if (failures.isEmpty()) {
            rows.insert(key, new Failures(1, now, now));
        } else if (!failures.get().windowStart().isAfter(now.minus(window))) {
            rows.update(key, new Failures(1, now, now));
        } else {
            rows.update(key, new Failures(failures.get().count() + 1, failures.get().windowStart(), now));
        }
    }

    /** Runs the work in a transaction of its own, again when it lost a race (a parallel first insert, a deadlock). */
    private void inTransaction(Runnable work) {
        for (int tries = 1; ; tries++) {
            try {
                transactions.executeWrite(status -> {
                    work.run();
                    return null;
                });
                return;
            } catch (DataAccessException e) {
                if (!e.isTransient() || tries == TRIES) {
                    throw e;
                }
            }
        }
    }

    /** At most once a minute per process: rows whose window has passed and whose wait has ended change nothing. */
    private void pruneIfDue() {
        Instant now = clock.instant();
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_EVERY))) {
            return;
        }
        try {
            transactions.executeWrite(status -> rows.deleteStale(now.minus(window), now.minus(maxDelay)));
        } catch (DataAccessException e) {
            LOG.warn("Old sign-in throttle rows not deleted (again in a minute): {}", e.getMessage());
        }
    }
}
