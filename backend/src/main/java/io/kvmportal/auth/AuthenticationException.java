package io.kvmportal.auth;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused sign-in or credential. Its messages never say which of login name and password was wrong. */
public class AuthenticationException extends PortalException {

    /** Why a sign-in was refused, for callers that show each case in their own words. */
    public enum Reason {
        WRONG_CREDENTIALS,
        DISABLED,
        THROTTLED
    }

    private final Reason reason;

    AuthenticationException(Fault fault, Reason reason, String message) {
        super(fault, message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static AuthenticationException wrongCredentials() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, Reason.WRONG_CREDENTIALS,
                "Wrong login name or password.");
    }

    static AuthenticationException disabled() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, Reason.DISABLED,
                "This account is disabled; ask an admin.");
    }

    static AuthenticationException throttled(long seconds) {
        return new AuthenticationException(Fault.TOO_MANY_REQUESTS, Reason.THROTTLED,
                "Too many failed sign-ins for this login name; try again in " + seconds + " s.");
    }
}
