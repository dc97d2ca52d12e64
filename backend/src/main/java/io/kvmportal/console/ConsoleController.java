package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;

/** Opening the console of one of the caller's guests: a one-time ticket for the WebSocket. */
@Controller("/api/v1/guests/{id}/console")
class ConsoleController {
    private final ConsoleService consoles;

    ConsoleController(ConsoleService consoles) {
        this.consoles = consoles;
    }

    @Post
    @Status(HttpStatus.CREATED)
    ConsoleTicket issue(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return consoles.issue(actor, id);
    }
}
