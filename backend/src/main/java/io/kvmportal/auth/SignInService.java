package io.kvmportal.auth;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import jakarta.inject.Singleton;

/** Checks a login name and password, for the sign-in page and for API token requests alike. */
@Singleton
public class SignInService {
    private final AccountService accounts;
    private final SignInThrottle throttle;
    private final AuditLog audit;

    SignInService(AccountService accounts, SignInThrottle throttle, AuditLog audit) {
        this.accounts = accounts;
        this.throttle = throttle;
        this.audit = audit;
    }

    /**
     * Answers the account if the password is right and the account enabled, else throws: wrong credentials
     * (never saying which part), throttled, or disabled (said only once the password was right).
     */
    public UserView signIn(String login, String password) {
        try {
            UserView user = check(login, password);
            audit.success(user.id(), user.login(), AuditAction.SIGN_IN, AuditTarget.user(user.id(), user.login()));
            return user;
        } catch (AuthenticationException refused) {
            audit.failure(null, login, AuditAction.SIGN_IN, AuditTarget.login(login), refused.getMessage());
            throw refused;
        }
    }

    private UserView check(String login, String password) {
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
