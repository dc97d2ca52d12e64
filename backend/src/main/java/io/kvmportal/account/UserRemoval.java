package io.kvmportal.account;

import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestService;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Deletes a user, and on request their guests first: the admin who says "and their guests" gets them forced off
 * and deleted, each audited as the admin's doing, and only then the account. The account checks (not yourself,
 * not the last admin) run before any guest is touched.
 */
@Singleton
public class UserRemoval {
    private final AccountService accounts;
    private final GuestService guests;

    UserRemoval(AccountService accounts, GuestService guests) {
        this.accounts = accounts;
        this.guests = guests;
    }

    /** What a deletion did: how many guests went with the user, and why a Linux account stayed, if one did. */
    public record Deletion(int deletedGuests, Optional<String> accountLeft) {
    }

    public Deletion delete(Actor admin, long userId, boolean withGuests) {
        int deletedGuests = 0;
        if (withGuests) {
            UserView user = accounts.requireDeletable(admin, userId);
            deletedGuests = guests.deleteAllOf(admin, user.id(), user.login());
        }
        return new Deletion(deletedGuests, accounts.delete(admin, userId));
    }
}
