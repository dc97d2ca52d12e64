package io.kvmportal.ui.admin;

import static io.kvmportal.ui.Cards.card;
import static io.kvmportal.ui.Cards.line;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.hosts.HostOverview;
import io.kvmportal.hosts.HostService;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.AdminOnly;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;

/** This host: the accelerator guests get and why, /dev/kvm, QEMU, and capacity against allocation. */
@Route(value = "admin/host", layout = MainLayout.class)
@PageTitle("Host · kvm-portal")
@AdminOnly
@Prototype
public class HostView extends VerticalLayout {

    public HostView(HostService hosts, SignedInUser signedIn) {
        HostOverview host = hosts.overview(signedIn.actor());
        Div accelerator = card("Acceleration");
        Span chosen = new Span(host.accelerator());
        chosen.setId("host-accelerator");
        chosen.getElement().getThemeList().add("KVM".equals(host.accelerator()) ? "badge success" : "badge contrast");
        accelerator.add(line("Guests run with", chosen), line("Why", new Span(host.acceleratorReason())),
                line("/dev/kvm", new Span(host.kvmText())),
                line("KVM API version", new Span(host.kvmApiVersion() > 0 ? "" + host.kvmApiVersion() : "-")),
                line("vCPUs per guest (recommended / max)",
                        new Span(host.kvmRecommendedVcpus() + " / " + host.kvmMaxVcpus())),
                line("QEMU", new Span(host.qemuVersion())));
        Div capacity = card("Capacity");
        capacity.add(line("CPU cores", new Span(host.cores() + " (" + host.allocatedVcpus()
                        + " vCPUs given to running guests)")),
                line("Memory", new Span(host.memoryMib() + " MiB (" + host.allocatedMemoryMib()
                        + " MiB given to running guests)")),
                line("Running guests", new Span("" + host.runningGuests())));
        add(new H2("Host"), accelerator, capacity);
    }

}
