package io.kvmportal.guest;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Locale;

/** The caller's own guests; another user's guest answers 404, exactly like one that does not exist. */
@Controller("/api/v1/guests")
class GuestController {
    private final GuestService guests;

    GuestController(GuestService guests) {
        this.guests = guests;
    }

    @Serdeable
    record GuestUpdate(String name) {
    }

    @Get
    List<GuestView> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return guests.list(actor);
    }

    @Get("/{id}")
    GuestView get(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return guests.get(actor, id);
    }

    @Post
    @Status(HttpStatus.CREATED)
    GuestView create(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @Body NewGuest request) {
        return guests.create(actor, request);
    }

    @Patch("/{id}")
    GuestView rename(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                     @Body GuestUpdate update) {
        return guests.rename(actor, id, update.name());
    }

    @Delete("/{id}")
    HttpResponse<?> delete(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        guests.delete(actor, id);
        return HttpResponse.noContent();
    }

    /** start, shutdown, force-off, pause, resume, reboot. */
    @Post("/{id}/actions/{action}")
    GuestView act(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                  @PathVariable String action) {
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "start" -> guests.start(actor, id);
            case "shutdown" -> guests.shutdown(actor, id);
            case "force-off" -> guests.forceOff(actor, id);
            case "pause" -> guests.pause(actor, id);
            case "resume" -> guests.resume(actor, id);
            case "reboot" -> guests.reboot(actor, id);
            default -> throw GuestException.invalid("Unknown action '" + action
                    + "': use start, shutdown, force-off, pause, resume or reboot.");
        };
    }

    @Get("/{id}/screenshot")
    @Produces("image/png")
    byte[] screenshot(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return guests.screenshot(actor, id);
    }

    /** The serial output from byte {@code from} on (omit it for the last 64 KiB); ask again from {@code next}. */
    @Get("/{id}/serial")
    SerialOutput serial(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                        @QueryValue(defaultValue = "-1") long from) {
        return guests.serial(actor, id, from);
    }
}
