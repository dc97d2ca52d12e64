package io.kvmportal.auth;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import jakarta.inject.Singleton;

/** Checks a login name and password, for the sign-in page and for API token requests alike. */
@Singleton
public class SignInService {
    private final AccountService accounts;
    private final SignInThrottle throttle;

    SignInService(AccountService accounts, SignInThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    /**
     * Answers the account if the password is right and the account enabled, else throws: wrong credentials
     * (never saying which part), throttled, or disabled (said only once the password was right).
     */
    public UserView signIn(String login, String password) {
        throttle.checkAllowed(login);
        UserView user = accounts.checkPassword(login, password).orElse(null);
        if (user == null) {
            throttle.recordFailure(login);
            throw AuthenticationException.wrongCredentials();
        }
        throttle.recordSuccess(login);
        if (!user.enabled()) {
            throw AuthenticationException.disabled();
        }
        return user;
    }
}
