package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Duration;
import java.util.List;

/** The owner's view-only links to a guest's console: make one for some minutes, list them, revoke one. */
@Controller("/api/v1/guests/{id}/console/links")
class ConsoleLinkController {
    private final ConsoleShares shares;

    ConsoleLinkController(ConsoleShares shares) {
        this.shares = shares;
    }

    @Serdeable
    record NewLink(@Nullable Integer minutes) {
    }

    /** A new link; the answer's {@code path} (with the link's secret) is shown this once. */
    @Post
    @Status(HttpStatus.CREATED)
    SharedConsole create(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                         @Body NewLink link) {
        return shares.create(actor, id, link.minutes() == null ? null : Duration.ofMinutes(link.minutes()));
    }

    @Get
    List<SharedConsole> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return shares.list(actor, id);
    }

    /** Revokes the link; whoever watches through it is disconnected at once. */
    @Delete("/{linkId}")
    HttpResponse<?> revoke(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                           @PathVariable long linkId) {
        shares.revoke(actor, id, linkId);
        return HttpResponse.noContent();
    }
}
