package io.kvmportal.account;

import java.util.Optional;

/**
 * A sign-in's password check, split where the database ends: the account (if the login exists) has been read in a
 * short transaction, and the slow part, bcrypt, is still to come and needs no connection. An unknown login costs
 * the same time as a known one, so timing does not tell which logins exist.
 */
public final class PasswordCheck {
    private final User user;
    private final PasswordHasher hasher;

    PasswordCheck(User user, PasswordHasher hasher) {
        this.user = user;
        this.hasher = hasher;
    }

    /** Answers the account if the password is its own. CPU work only: run it wherever hashing is meant to run. */
    public Optional<UserView> verify(String password) {
        if (password == null) {
            return Optional.empty();
        }
        if (user == null) {
            hasher.spendComparisonTime(password);
            return Optional.empty();
        }
        return hasher.matches(password, user.passwordHash()) ? Optional.of(user.view()) : Optional.empty();
    }
}
