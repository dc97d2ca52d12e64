package io.kvmportal.auth;

import io.kvmportal.api.Actor;
import io.kvmportal.api.ClientAddress;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;

@Controller("/api/v1")
class TokenController {
    private final ApiTokenService tokens;

    TokenController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    /** Trades a login name and password for a bearer token; the one API call that needs no credentials. */
    @Post("/auth/token")
    @Status(HttpStatus.CREATED)
    IssuedToken issue(@Body Credentials credentials, @RequestAttribute(ClientAddress.ATTRIBUTE) String address) {
        return tokens.issue(credentials, address);
    }

    /** Revokes the bearer token this request came with. */
    @Delete("/auth/token")
    HttpResponse<?> revoke(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor,
                           @Header("Authorization") String authorization) {
        String token = authorization.startsWith("Bearer ") ? authorization.substring(7).strip() : "";
        return tokens.revoke(actor, token) ? HttpResponse.noContent() : HttpResponse.notFound();
    }
}
