package io.kvmportal.quota;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;

@Controller("/api/v1")
class QuotaController {
    private final QuotaService quotas;

    QuotaController(QuotaService quotas) {
        this.quotas = quotas;
    }

    /** The caller's limits and use. */
    @Get("/quota")
    QuotaView mine(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return quotas.view(actor, actor.id());
    }

    @Get("/admin/users/{id}/quota")
    QuotaView of(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return quotas.view(actor, id);
    }

    @Put("/admin/users/{id}/quota")
    QuotaView set(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                  @Body QuotaLimits limits) {
        return quotas.setLimits(actor, id, limits);
    }

    /** Changes the limits given and keeps the others; PUT above needs all five. */
    @Patch("/admin/users/{id}/quota")
    QuotaView change(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id,
                     @Body QuotaChange change) {
        return quotas.changeLimits(actor, id, change);
    }

    /** Back to the defaults. */
    @Delete("/admin/users/{id}/quota")
    QuotaView reset(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        return quotas.resetToDefaults(actor, id);
    }

    @Get("/admin/quota-defaults")
    QuotaLimits defaults(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return quotas.defaults(actor);
    }

    @Put("/admin/quota-defaults")
    QuotaLimits setDefaults(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @Body QuotaLimits limits) {
        return quotas.setDefaults(actor, limits);
    }
}
