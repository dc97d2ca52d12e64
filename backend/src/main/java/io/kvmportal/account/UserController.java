package io.kvmportal.account;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Admin management of accounts; the service refuses everyone but enabled admins. */
@Controller("/api/v1/admin/users")
class UserController {
    private final AccountService accounts;
    private final UserRemoval removal;

    UserController(AccountService accounts, UserRemoval removal) {
        this.accounts = accounts;
        this.removal = removal;
    }

    @Serdeable
    record UserUpdate(boolean enabled) {
    }

    @Serdeable
    record PasswordReset(String password) {
    }

    @Get
    List<UserView> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return accounts.list(actor);
    }

    @Post
    @Status(HttpStatus.CREATED)
    UserView create(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @Body NewUser request) {
        return accounts.create(actor, request);
    }

    @Patch("/{id}")
    UserView update(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                    @Body UserUpdate update) {
        return accounts.setEnabled(actor, id, update.enabled());
    }

    @Put("/{id}/password")
    HttpResponse<?> resetPassword(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                                  @Body PasswordReset reset) {
        accounts.resetPassword(actor, id, reset.password());
        return HttpResponse.noContent();
    }

    /**
     * Deletes a user; {@code withGuests=true} forces off and deletes their guests first instead of refusing. Answers
     * what went with them, and why their Linux account stayed if it did (one this portal did not create).
     */
    @Delete("/{id}")
    UserDeleted delete(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                       @QueryValue(defaultValue = "false") boolean withGuests) {
        UserRemoval.Deletion deletion = removal.delete(actor, id, withGuests);
        return new UserDeleted(deletion.deletedGuests(), deletion.accountLeft().orElse(null));
    }

    /** {@code linuxAccountLeft}: null when the account went with the user (or there was none). */
    @Serdeable
    record UserDeleted(int deletedGuests, String linuxAccountLeft) {
    }
}
