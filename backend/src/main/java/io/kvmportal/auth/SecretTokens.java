package io.kvmportal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets of the portal (API tokens, console tokens): 256 random bits behind a prefix that says what they
 * are, stored only as SHA-256. A token is a random key, not a password, so a slow hash would buy nothing.
 */
public final class SecretTokens {
    private static final int RANDOM_BYTES = 32;

    private SecretTokens() {
    }

    public static String generate(SecureRandom random, String prefix) {
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Hex SHA-256 of the token, as stored. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
