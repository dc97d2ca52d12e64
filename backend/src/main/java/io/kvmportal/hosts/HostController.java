package io.kvmportal.hosts;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.List;

@Controller("/api/v1/admin/host")
class HostController {
    private final HostService hosts;

    HostController(HostService hosts) {
        this.hosts = hosts;
    }

    @Get
    HostOverview overview(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return hosts.overview(actor);
    }

    /** Every guest's QEMU process, busiest first: owner, pid, CPU, memory, state. */
    @Get("/processes")
    List<RunningGuest> processes(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return hosts.processes(actor);
    }
}
