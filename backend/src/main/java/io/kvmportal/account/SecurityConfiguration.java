package io.kvmportal.account;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code portal.security.*}: password hashing, the pool that compares sign-ins' passwords, sign-in throttling (per
 * login name and per client address) and API token lifetime.
 */
@ConfigurationProperties("portal.security")
public class SecurityConfiguration {
    private int bcryptCost = 12;
    private int freeFailures = 3;
    private Duration firstDelay = Duration.ofSeconds(2);
    private Duration maxDelay = Duration.ofMinutes(5);
    private int addressFreeFailures = 30;
    private Duration failureWindow = Duration.ofHours(1);
    private int passwordCheckThreads = Runtime.getRuntime().availableProcessors();
    private int passwordCheckQueue = 8;
    private Duration tokenLifetime = Duration.ofDays(30);

    public int getBcryptCost() {
        return bcryptCost;
    }

    public void setBcryptCost(int bcryptCost) {
        this.bcryptCost = bcryptCost;
    }

    /** Failed sign-ins for one login that cost nothing; each one after that doubles the wait. */
    public int getFreeFailures() {
        return freeFailures;
    }

    public void setFreeFailures(int freeFailures) {
        this.freeFailures = freeFailures;
    }

    public Duration getFirstDelay() {
        return firstDelay;
    }

    public void setFirstDelay(Duration firstDelay) {
        this.firstDelay = firstDelay;
    }

    public Duration getMaxDelay() {
        return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    /**
     * Failed sign-ins from one client address (an IPv6 /64) within {@link #getFailureWindow()} that cost nothing;
     * each one after that doubles the wait, as for a login. Generous, for the many users behind one NAT.
     */
    public int getAddressFreeFailures() {
        return addressFreeFailures;
    }

    public void setAddressFreeFailures(int addressFreeFailures) {
        this.addressFreeFailures = addressFreeFailures;
    }

    /** A login's or an address's failures count from its first failure for this long, then start afresh. */
    public Duration getFailureWindow() {
        return failureWindow;
    }

    public void setFailureWindow(Duration failureWindow) {
        this.failureWindow = failureWindow;
    }

    /** Threads that compare sign-ins' passwords with their bcrypt hashes (CPU work by design). */
    public int getPasswordCheckThreads() {
        return passwordCheckThreads;
    }

    public void setPasswordCheckThreads(int passwordCheckThreads) {
        this.passwordCheckThreads = passwordCheckThreads;
    }

    /** Sign-ins that may wait for one of those threads; any more are refused at once (503). */
    public int getPasswordCheckQueue() {
        return passwordCheckQueue;
    }

    public void setPasswordCheckQueue(int passwordCheckQueue) {
        this.passwordCheckQueue = passwordCheckQueue;
    }

    public Duration getTokenLifetime() {
        return tokenLifetime;
    }

    public void setTokenLifetime(Duration tokenLifetime) {
        this.tokenLifetime = tokenLifetime;
    }
}
