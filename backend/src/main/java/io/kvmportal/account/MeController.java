package io.kvmportal.account;

import io.kvmportal.auth.CurrentUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestAttribute;

@Controller("/api/v1/me")
class MeController {

    /** The account this request is authenticated as, by session cookie or bearer token. */
    @Get
    UserView me(@RequestAttribute(CurrentUser.ATTRIBUTE) UserView user) {
        return user;
    }
}
