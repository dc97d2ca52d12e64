package io.kvmportal.auth;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.PasswordCheck;
import io.kvmportal.account.UserView;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import jakarta.inject.Singleton;

/**
 * Checks a login name and password, for the sign-in page and for API token requests alike. A sign-in holds no
 * database connection while bcrypt runs: it takes a place in the {@link PasswordCheckPool} (or is refused, busy),
 * counts itself in the {@link SignInThrottle} (or is refused, throttled), reads the account, and only then compares
 * the password on the pool's threads, each step in a short transaction of its own or none.
 */
@Singleton
public class SignInService {
    private final AccountService accounts;
    private final SignInThrottle throttle;
    private final PasswordCheckPool checks;
    private final AuditLog audit;

    SignInService(AccountService accounts, SignInThrottle throttle, PasswordCheckPool checks, AuditLog audit) {
        this.accounts = accounts;
        this.throttle = throttle;
        this.checks = checks;
        this.audit = audit;
    }

    /**
     * Answers the account if the password is right and the account enabled, else throws: wrong credentials
     * (never saying which part), throttled (this login or this address), busy, or disabled (said only once the
     * password was right). {@code address} is the client's network address as the web shell saw it.
     */
    public UserView signIn(String login, String password, String address) {
        try {
            UserView user;
            try (PasswordCheckPool.Place place = checks.admit()) {
                user = check(place, login, password, address);
            }
            audit.success(user.id(), user.login(), AuditAction.SIGN_IN, AuditTarget.user(user.id(), user.login()));
            return user;
        } catch (AuthenticationException refused) {
            // A busy refusal checked nothing; an entry for each would turn a flood into a flood of writes.
            if (refused.reason() != AuthenticationException.Reason.BUSY) {
                audit.failure(null, login, AuditAction.SIGN_IN, AuditTarget.login(login), refused.getMessage());
            }
            throw refused;
        }
    }

    private UserView check(PasswordCheckPool.Place place, String login, String password, String address) {
        throttle.reserve(login, address);
        PasswordCheck check = accounts.passwordCheck(login);
        UserView user = place.compare(() -> check.verify(password)).orElseThrow(
                AuthenticationException::wrongCredentials);
        throttle.release(login, address);
        if (!user.enabled()) {
            throw AuthenticationException.disabled();
        }
        return user;
    }
}
