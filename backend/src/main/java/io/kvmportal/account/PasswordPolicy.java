package io.kvmportal.account;

import java.nio.charset.StandardCharsets;

/** What a password must be. bcrypt reads at most 72 bytes, so longer ones are refused rather than cut silently. */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_BYTES = 72;
    public static final String RULE = "at least " + MIN_LENGTH + " characters and at most " + MAX_BYTES
            + " bytes, not the login name";

    private PasswordPolicy() {
    }

    /** Throws, naming the rule, if the password may not be used by this login. */
    public static void check(String login, String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw AccountException.invalid("The password is too short: " + RULE + ".");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw AccountException.invalid("The password is too long: " + RULE + ".");
        }
        if (password.equalsIgnoreCase(login)) {
            throw AccountException.invalid("The password may not be the login name: " + RULE + ".");
        }
    }
}
