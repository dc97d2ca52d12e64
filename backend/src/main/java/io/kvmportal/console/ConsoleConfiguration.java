package io.kvmportal.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code portal.console.*}: how long a console token lives, how long a silent console stays, how many at once, and
 * whether screens may be relayed zero-copy, and where the host agent hands guests' screens to the portal.
 */
@ConfigurationProperties("portal.console")
public class ConsoleConfiguration {
    private Duration tokenLifetime = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(30);
    private int maxPerUser = 8;
    private boolean zeroCopy = true;
    private String screenSocket = "/run/kvm-portal/portal/screens.sock";

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

    /** Open consoles per user: each holds two sockets and, once it carried bytes, two relay buffers and a pipe. */
    public int getMaxPerUser() {
        return maxPerUser;
    }

    public void setMaxPerUser(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    /**
     * Whether a busy screen goes to the browser through splice(2), uncopied, where the JVM and the connection allow
     * (not under TLS). Off, every console copies: slower, and the way to rule the zero-copy path out of a problem.
     */
    public boolean isZeroCopy() {
        return zeroCopy;
    }

    public void setZeroCopy(boolean zeroCopy) {
        this.zeroCopy = zeroCopy;
    }

    /**
     * The portal's unix socket on which the host agent hands over guests' screens; its directory is made private to
     * the portal's account (0700) if it does not exist.
     */
    public String getScreenSocket() {
        return screenSocket;
    }

    public void setScreenSocket(String screenSocket) {
        this.screenSocket = screenSocket;
    }
}
