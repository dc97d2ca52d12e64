package io.kvmportal.auth;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused sign-in or credential. Its messages never say which of login name and password was wrong. */
public class AuthenticationException extends PortalException {
    public static final String WRONG_CREDENTIALS = "Wrong login name or password.";

    AuthenticationException(Fault fault, String message) {
        super(fault, message);
    }

    static AuthenticationException wrongCredentials() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }

    static AuthenticationException disabled() {
        return new AuthenticationException(Fault.UNAUTHENTICATED, "This account is disabled; ask an admin.");
    }

    static AuthenticationException throttled(long seconds) {
        return new AuthenticationException(Fault.TOO_MANY_REQUESTS,
                "Too many failed sign-ins for this login name; try again in " + seconds + " s.");
    }
}
