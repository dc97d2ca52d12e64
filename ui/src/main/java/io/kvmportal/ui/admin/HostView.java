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
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agentlink.AgentLink;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.guest.GuestChangeFeed;
import io.kvmportal.hosts.HostOverview;
import io.kvmportal.hosts.HostService;
import io.kvmportal.hosts.RunningGuest;
import io.kvmportal.ui.LiveUpdates;
import io.kvmportal.ui.layout.AgentBanner;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.AdminOnly;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This host: the accelerator guests get and why, /dev/kvm, QEMU, capacity against allocation, the host agent (its
 * build, pid and memory), and every guest's QEMU process like {@code top} lists them (re-read every few seconds and
 * whenever a guest changes). While the agent is unreachable, the page says so instead, and fills in when it is back.
 */
@Route(value = "admin/host", layout = MainLayout.class)
@PageTitle("Host · kvm-portal")
@AdminOnly
@Prototype
public class HostView extends VerticalLayout {
    static final Duration PROCESSES_EVERY = Duration.ofSeconds(3);
    final Grid<RunningGuest> processes = new Grid<>();
    private final HostService hosts;
    private final AgentLink link;
    private final Actor actor;
    private final Div facts = new Div();
    private final Div top = card("Guest processes");

    public HostView(HostService hosts, AgentLink link, SignedInUser signedIn, GuestChangeFeed changes,
                    LiveUpdates updates) {
        this.hosts = hosts;
        this.link = link;
        this.actor = signedIn.actor();
        facts.addClassName("host-facts");
        top.addClassName("wide");
        configureProcesses();
        top.add(processes);
        add(new H2("Host"), facts, top);
        refresh();
        updates.whileAttached(this, PROCESSES_EVERY, this::refresh, onPage -> {
            Runnable guests = changes.subscribe(changed -> onPage.run());
            Runnable agent = link.subscribe(reachable -> onPage.run());
            return () -> {
                guests.run();
                agent.run();
            };
        });
    }

    /** The facts and processes, or the words for an agent that cannot be reached. */
    private void refresh() {
        Optional<HostOverview> overview = askAgent(() -> hosts.overview(actor));
        facts.removeAll();
        if (overview.isEmpty()) {
            facts.add(unreachable());
            top.setVisible(false);
            return;
        }
        facts.add(acceleration(overview.get()), capacity(overview.get()), agent(overview.get()));
        Optional<List<RunningGuest>> running = askAgent(() -> hosts.processes(actor));
        top.setVisible(running.isPresent());
        running.ifPresent(processes::setItems);
    }

    private <T> Optional<T> askAgent(Supplier<T> question) {
        if (!link.reachable()) {
            return Optional.empty();
        }
        try {
            return Optional.of(question.get());
        } catch (HostUnreachableException e) {
            link.lost();
            return Optional.empty();
        } catch (PortalException e) {
            if (e.fault() != Fault.UNAVAILABLE) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private Div unreachable() {
        Div card = card("Host agent unreachable");
        card.setId("host-agent-unreachable");
        Span words = new Span("The portal cannot reach its host agent" + link.lostAt()
                .map(lost -> " (lost at " + AgentBanner.since(lost) + ")").orElse("")
                + ", so the host's facts and its guests' processes are unknown. Guests keep the states the portal"
                + " knew; nothing is stopped or deleted meanwhile. This page fills in by itself when the agent is"
                + " back; on the host, check that the agent (kvm-host-agent.jar, as root) runs.");
        card.add(words);
        return card;
    }

    private static Div acceleration(HostOverview host) {
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
        return accelerator;
    }

    private static Div capacity(HostOverview host) {
        Div capacity = card("Capacity");
        capacity.add(line("CPU cores", new Span(host.cores() + " (" + host.allocatedVcpus()
                        + " vCPUs given to running guests)")),
                line("Memory", new Span(host.memoryMib() + " MiB (" + host.allocatedMemoryMib()
                        + " MiB given to running guests)")),
                line("Running guests", new Span("" + host.runningGuests())));
        return capacity;
    }

    private static Div agent(HostOverview host) {
        Div agent = card("Host agent");
        agent.setId("host-agent");
        agent.add(line("Protocol", new Span("" + host.agentProtocol())), line("Version", host.agentVersion()),
                line("PID", new Span("" + host.agentPid())),
                line("Resident memory", new Span((host.agentRssBytes() >> 20) + " MiB")));
        return agent;
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

}
