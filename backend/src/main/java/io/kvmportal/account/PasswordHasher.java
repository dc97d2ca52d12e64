package io.kvmportal.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/** bcrypt through a maintained library; the cost is configurable so tests need not pay production's price. */
@Singleton
public class PasswordHasher {
    private final int cost;
    // Compared against when a login does not exist, so that an unknown login costs as much time as a known one.
    private final String decoy;

    public PasswordHasher(SecurityConfiguration configuration) {
        this.cost = configuration.getBcryptCost();
        this.decoy = hash("decoy-password-never-valid");
    }

    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    public boolean matches(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > PasswordPolicy.MAX_BYTES) {
            return false;
        }
        return BCrypt.verifyer().verify(bytes, hash.getBytes(StandardCharsets.UTF_8)).verified;
    }

    /** Spends the time of one comparison, for a login that does not exist. */
    public void spendComparisonTime(String password) {
        matches(password, decoy);
    }
}
