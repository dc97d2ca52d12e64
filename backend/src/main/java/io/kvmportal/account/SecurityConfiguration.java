package io.kvmportal.account;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code portal.security.*}: password hashing, sign-in throttling and API token lifetime. */
@ConfigurationProperties("portal.security")
public class SecurityConfiguration {
    private int bcryptCost = 12;
    private int freeFailures = 3;
    private Duration firstDelay = Duration.ofSeconds(2);
    private Duration maxDelay = Duration.ofMinutes(5);
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

    public Duration getTokenLifetime() {
        return tokenLifetime;
    }

    public void setTokenLifetime(Duration tokenLifetime) {
        this.tokenLifetime = tokenLifetime;
    }
}
