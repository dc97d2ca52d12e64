package io.kvmportal.ui.admin;

import static io.kvmportal.ui.Cards.card;
import static io.kvmportal.ui.Cards.line;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.hosts.HostOverview;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestChangeFeed;
import io.kvmportal.hosts.HostService;
import io.kvmportal.hosts.RunningGuest;
import io.kvmportal.ui.LiveUpdates;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.AdminOnly;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.time.Duration;
import java.util.Locale;

/**
 * This host: the accelerator guests get and why, /dev/kvm, QEMU, capacity against allocation, and every guest's
 * QEMU process like {@code top} lists them (re-read every few seconds and whenever a guest changes).
 */
@Route(value = "admin/host", layout = MainLayout.class)
@PageTitle("Host · kvm-portal")
@AdminOnly
@Prototype
public class HostView extends VerticalLayout {
    static final Duration PROCESSES_EVERY = Duration.ofSeconds(3);
    final Grid<RunningGuest> processes = new Grid<>();
    private final HostService hosts;
    private final Actor actor;

    public HostView(HostService hosts, SignedInUser signedIn, GuestChangeFeed changes, LiveUpdates updates) {
        this.hosts = hosts;
        this.actor = signedIn.actor();
        HostOverview host = hosts.overview(actor);
        Div accelerator = card("Acceleration");
        Span chosen = new Span(host.accelerator());
        chosen.setId("host-accelerator");
        chosen.getElement().getThemeList().add("KVM".equals(host.accelerator()) ? "badge success" : "badge contrast");
        Span why = new Span(host.acceleratorReason());
        why.setId("host-accelerator-reason");
        Span kvm = new Span(host.kvmText());
        kvm.setId("host-kvm");
        accelerator.add(line("Guests run with", chosen), line("Why", why), line("/dev/kvm", kvm),
                line("KVM API version", new Span(host.kvmApiVersion() > 0 ? "" + host.kvmApiVersion() : "-")),
                line("vCPUs per guest (recommended / max)", new Span(host.kvmApiVersion() > 0
                        ? host.kvmRecommendedVcpus() + " / " + host.kvmMaxVcpus() : "-")),
                line("QEMU", new Span(host.qemuVersion())));
        Div capacity = card("Capacity");
        capacity.add(line("CPU cores", new Span(host.cores() + " (" + host.allocatedVcpus()
                        + " vCPUs given to running guests)")),
                line("Memory", new Span(host.memoryMib() + " MiB (" + host.allocatedMemoryMib()
                        + " MiB given to running guests)")),
                line("Running guests", new Span("" + host.runningGuests())));
        Div top = card("Guest processes");
        top.addClassName("wide");
        configureProcesses();
        top.add(processes);
        add(new H2("Host"), accelerator, capacity, top);
        refreshProcesses();
        updates.whileAttached(this, PROCESSES_EVERY, this::refreshProcesses,
                onPage -> changes.subscribe(changed -> onPage.run()));
    }

    private void configureProcesses() {
        processes.setId("host-processes");
        processes.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        processes.setAllRowsVisible(true);
        processes.addColumn(RunningGuest::owner).setHeader("Owner").setAutoWidth(true);
        processes.addColumn(RunningGuest::linuxAccount).setHeader("USER").setAutoWidth(true);
        processes.addColumn(g -> g.pid() == null ? "-" : g.pid().toString()).setHeader("PID").setAutoWidth(true);
        processes.addColumn(g -> g.cpuPercent() == null ? "-" : String.format(Locale.ROOT, "%.1f", g.cpuPercent()))
                .setHeader("%CPU").setAutoWidth(true);
        processes.addColumn(g -> g.rssBytes() == null ? "-" : (g.rssBytes() >> 20) + " MiB").setHeader("RES")
                .setAutoWidth(true);
        processes.addColumn(g -> g.threads() == null ? "-" : g.threads().toString()).setHeader("Threads")
                .setAutoWidth(true);
        processes.addColumn(g -> g.processState() == null ? "no process"
                : g.processState().toLowerCase(Locale.ROOT).replace('_', ' ')).setHeader("S").setAutoWidth(true);
        processes.addColumn(RunningGuest::guestName).setHeader("Guest").setAutoWidth(true);
        processes.addColumn(g -> g.state().toLowerCase(Locale.ROOT)).setHeader("Guest state").setAutoWidth(true);
        processes.addColumn(g -> g.vcpus() + " vCPU · " + g.memoryMib() + " MiB").setHeader("Size")
                .setAutoWidth(true);
        processes.setEmptyStateText("No guest is running on this host.");
    }

    private void refreshProcesses() {
        processes.setItems(hosts.processes(actor));
    }

}
