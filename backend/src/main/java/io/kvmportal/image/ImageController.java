package io.kvmportal.image;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.List;

@Controller("/api/v1")
class ImageController {
    private final ImageCatalog catalog;

    ImageController(ImageCatalog catalog) {
        this.catalog = catalog;
    }

    /** Published images; admins also see withdrawn ones. */
    @Get("/images")
    List<Image> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return catalog.list(actor);
    }

    /** Withdraws an image: no new guests from it; existing guests keep working. */
    @Delete("/admin/images/{id}")
    HttpResponse<?> withdraw(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        catalog.withdraw(actor, id);
        return HttpResponse.noContent();
    }
}
