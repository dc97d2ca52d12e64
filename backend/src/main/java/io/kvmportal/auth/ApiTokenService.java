package io.kvmportal.auth;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.SecurityConfiguration;
import io.kvmportal.account.UserView;
import io.kvmportal.api.Actor;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Personal API tokens ({@link SecretTokens}): shown once, stored as SHA-256, revocable, and expiring. A token
 * works only while its owner is enabled.
 */
@Singleton
public class ApiTokenService {
    static final String PREFIX = "kvmp_";
    private final ApiTokenRepository tokens;
    private final AccountService accounts;
    private final SignInService signIn;
    private final SecurityConfiguration configuration;
    private final SecureRandom random;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionOperations<Connection> transactions;

    ApiTokenService(ApiTokenRepository tokens, AccountService accounts, SignInService signIn,
                    SecurityConfiguration configuration, SecureRandom random, AuditLog audit, Clock clock,
                    TransactionOperations<Connection> transactions) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.signIn = signIn;
        this.configuration = configuration;
        this.random = random;
        this.audit = audit;
        this.clock = clock;
        this.transactions = transactions;
    }

    /**
     * Signs in (see {@link SignInService}: no transaction around the password check) and writes the token and its
     * audit entry in a short transaction afterwards. {@code address} is the client's, for the throttle.
     */
    public IssuedToken issue(Credentials credentials, String address) {
        UserView user = signIn.signIn(credentials.login(), credentials.password(), address);
        String token = SecretTokens.generate(random, PREFIX);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(configuration.getTokenLifetime());
        transactions.executeWrite(status -> {
            tokens.insert(user.id(), SecretTokens.hash(token), now, expiresAt);
            audit.success(user.id(), user.login(), AuditAction.TOKEN_ISSUED,
                    AuditTarget.user(user.id(), user.login()));
            return null;
        });
        return new IssuedToken(token, "Bearer", expiresAt);
    }

    /** The enabled account a live token belongs to, if any. */
    @ReadOnly
    public Optional<UserView> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        return tokens.findLiveOwner(SecretTokens.hash(token), clock.instant())
                .flatMap(accounts::find)
                .filter(UserView::enabled);
    }

    /** Revokes a token of the actor's own; answers whether it was live. */
    @Transactional
    public boolean revoke(Actor actor, String token) {
        boolean revoked = token != null && tokens.revoke(actor.id(), SecretTokens.hash(token), clock.instant());
        if (revoked) {
            audit.success(actor.id(), actor.login(), AuditAction.TOKEN_REVOKED,
                    AuditTarget.user(actor.id(), actor.login()));
        }
        return revoked;
    }
}
