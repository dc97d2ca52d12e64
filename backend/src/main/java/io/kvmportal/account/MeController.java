package io.kvmportal.account;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestAttribute;

@Controller("/api/v1/me")
class MeController {
    private final AccountService accounts;

    MeController(AccountService accounts) {
        this.accounts = accounts;
    }

    /** The account this request is authenticated as, by session cookie or bearer token. */
    @Get
    UserView me(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return accounts.find(actor.id()).orElseThrow(() -> AccountException.notFound(actor.id()));
    }
}
