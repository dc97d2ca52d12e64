package io.kvmportal.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/** bcrypt through a maintained library; the cost is configurable so tests need not pay production's price. */
@Singleton
public class PasswordHasher {
    private final int cost;
    // Compared against when a login does not exist, so that an unknown login costs as much time as a known one.
    // Made at first need: hashing at the production cost would add a quarter second to every start.
    private volatile String decoy;

    public PasswordHasher(SecurityConfiguration configuration) {
        this.cost = configuration.getBcryptCost();
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
        String hash = decoy;
        if (hash == null) {
            hash = hash("decoy-password-never-valid");
            decoy = hash;
        }
        matches(password, hash);
    }
}
