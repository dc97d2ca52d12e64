package io.kvmportal.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code portal.console.*}: how long a console token lives, how long a silent console stays, how many at once. */
@ConfigurationProperties("portal.console")
public class ConsoleConfiguration {
    private Duration tokenLifetime = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(30);
    private int maxPerUser = 8;

    /** From issue to the WebSocket handshake that uses it: the page connects at once, so seconds suffice. */
    public Duration getTokenLifetime() {
        return tokenLifetime;
    }

    public void setTokenLifetime(Duration tokenLifetime) {
        this.tokenLifetime = tokenLifetime;
    }

    /** A console with no traffic either way for this long is closed (a still screen and an idle user). */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** Open consoles per user: each holds a thread and two relay buffers. */
    public int getMaxPerUser() {
        return maxPerUser;
    }

    public void setMaxPerUser(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }
}
