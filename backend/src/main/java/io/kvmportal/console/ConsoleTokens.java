package io.kvmportal.console;

import io.kvmportal.auth.SecretTokens;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Console tokens: 256 random bits, stored as a hash, bound to one user and one guest, good for one WebSocket
 * connection within seconds of issue. Unlike a console URL that names the guest (WebVirtCloud) or a token that
 * can be replayed for minutes (Nova), a leaked one is worth at most one connection by its own user, briefly.
 */
@Singleton
class ConsoleTokens {
    static final String PREFIX = "kvmc_";
    private static final int MAX_LENGTH = 100;
    /** Expired tokens are kept a while only so that a late connection hears "expired", not "not valid". */
    private static final Duration KEPT_AFTER_EXPIRY = Duration.ofHours(1);
    private final ConsoleTokenRepository tokens;
    private final ConsoleConfiguration configuration;
    private final SecureRandom random;
    private final Clock clock;

    ConsoleTokens(ConsoleTokenRepository tokens, ConsoleConfiguration configuration, SecureRandom random,
                  Clock clock) {
        this.tokens = tokens;
        this.configuration = configuration;
        this.random = random;
        this.clock = clock;
    }

    /** A new token for {@code userId} to open the console of {@code guestId}, and when it expires. */
    @Transactional
    public Issued issue(long userId, long guestId) {
        return issue(userId, guestId, null);
    }

    /** A token through the view-only link {@code shareId} (null: the owner's own console). */
    @Transactional
    public Issued issue(long userId, long guestId, Long shareId) {
        Instant now = clock.instant();
        tokens.deleteExpiredBefore(now.minus(KEPT_AFTER_EXPIRY));
        String token = SecretTokens.generate(random, PREFIX);
        Instant expiresAt = now.plus(configuration.getTokenLifetime());
        tokens.insert(SecretTokens.hash(token), userId, guestId, shareId, now, expiresAt);
        return new Issued(token, expiresAt);
    }

    public record Issued(String token, Instant expiresAt) {
    }

    /**
     * Uses up the token, whatever the verdict: a token is presented once, so one that was seen by the wrong
     * user or for the wrong guest cannot be tried again by the right one (it may have leaked).
     */
    @Transactional
    public TokenVerdict consume(String token, long userId, long guestId) {
        return consumeTicket(token, userId, guestId).verdict();
    }

    /** What presenting a token decided, and the view-only link it was issued through (null: the owner's own). */
    public record Consumed(TokenVerdict verdict, Long shareId) {
        static Consumed refused(TokenVerdict verdict) {
            return new Consumed(verdict, null);
        }
    }

    /** {@link #consume}, also telling whether the connection is a view-only link's. */
    @Transactional
    public Consumed consumeTicket(String token, long userId, long guestId) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > MAX_LENGTH) {
            return Consumed.refused(TokenVerdict.UNKNOWN);
        }
        Optional<ConsoleTokenRepository.Issued> found = tokens.find(SecretTokens.hash(token));
        if (found.isEmpty()) {
            return Consumed.refused(TokenVerdict.UNKNOWN);
        }
        ConsoleTokenRepository.Issued issued = found.get();
        Instant now = clock.instant();
        if (issued.used() || !tokens.markUsed(issued.id(), now)) {
            return Consumed.refused(TokenVerdict.USED);
        }
        if (!now.isBefore(issued.expiresAt())) {
            return Consumed.refused(TokenVerdict.EXPIRED);
        }
        if (issued.userId() != userId) {
            return Consumed.refused(TokenVerdict.OTHER_USER);
        }
        return issued.guestId() == guestId ? new Consumed(TokenVerdict.VALID, issued.shareId())
                : Consumed.refused(TokenVerdict.OTHER_GUEST);
    }
}
