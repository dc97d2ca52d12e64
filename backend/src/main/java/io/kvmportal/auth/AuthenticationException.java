package io.kvmportal.auth;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import java.time.Duration;

/** A refused sign-in or credential. Its messages never say which of login name and password was wrong. */
public class AuthenticationException extends PortalException {

    /** Why a sign-in was refused, for callers that show each case in their own words. */
    public enum Reason {
        WRONG_CREDENTIALS,
        DISABLED,
        /** Too many failures for this login name. */
        THROTTLED,
        /** Too many failures from this client address. */
        ADDRESS_THROTTLED,
        /** Too many sign-ins at once, of anyone: the password was not checked. */
        BUSY
    }

    private final Reason reason;

    AuthenticationException(Fault fault, Reason reason, String message, Duration retryAfter) {
        super(fault, message, retryAfter);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static AuthenticationException wrongCredentials() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, Reason.WRONG_CREDENTIALS,
                "Wrong login name or password.", null);
    }

    static AuthenticationException disabled() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, Reason.DISABLED,
                "This account is disabled; ask an admin.", null);
    }

    static AuthenticationException throttled(Duration wait) {
        return new AuthenticationException(Fault.TOO_MANY_REQUESTS, Reason.THROTTLED,
                "Too many failed sign-ins for this login name; try again in " + seconds(wait) + " s.", wait);
    }

    static AuthenticationException addressThrottled(Duration wait) {
        return new AuthenticationException(Fault.TOO_MANY_REQUESTS, Reason.ADDRESS_THROTTLED,
                "Too many failed sign-ins from your network address; try again in " + seconds(wait) + " s.", wait);
    }

    static AuthenticationException busy(Duration wait) {
        return new AuthenticationException(Fault.UNAVAILABLE, Reason.BUSY,
                "The portal is checking too many sign-ins at once; try again in " + seconds(wait) + " s.", wait);
    }

    /** Whole seconds to wait, rounded up: "try again in 0 s" would be a lie. */
    public static long seconds(Duration wait) {
        long seconds = wait.toSeconds();
        return wait.equals(Duration.ofSeconds(seconds)) ? Math.max(1, seconds) : seconds + 1;
    }
}
