package io.kvmportal.account;

import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestService;
import jakarta.inject.Singleton;

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

    /** Answers how many guests were deleted with the user. */
    public int delete(Actor admin, long userId, boolean withGuests) {
        int deletedGuests = 0;
        if (withGuests) {
            UserView user = accounts.requireDeletable(admin, userId);
            deletedGuests = guests.deleteAllOf(admin, user.id(), user.login());
        }
        accounts.delete(admin, userId);
        return deletedGuests;
    }
}
