package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.List;

/** The consoles open right now, for admins, who may end any of them. */
@Controller("/api/v1/admin/consoles")
class AdminConsoleController {
    private final ConsoleService consoles;

    AdminConsoleController(ConsoleService consoles) {
        this.consoles = consoles;
    }

    @Get
    List<ConsoleView> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return consoles.list(actor);
    }

    @Delete("/{id}")
    HttpResponse<?> end(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        consoles.end(actor, id);
        return HttpResponse.noContent();
    }
}
