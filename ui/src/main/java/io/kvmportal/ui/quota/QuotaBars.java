package io.kvmportal.ui.quota;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.progressbar.ProgressBarVariant;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaUsage;
import io.kvmportal.quota.QuotaView;

/** A user's use against each limit, as bars that turn red when full. */
public class QuotaBars extends Div {

    public QuotaBars(QuotaView quota) {
        addClassName("quota-bars");
        setWidthFull();
        setId("quota-bars");
        QuotaLimits limits = quota.limits();
        QuotaUsage usage = quota.usage();
        add(bar("Guests", usage.guests(), limits.guests(), ""),
                bar("Running guests", usage.runningGuests(), limits.runningGuests(), ""),
                bar("vCPUs (running)", usage.vcpus(), limits.vcpus(), ""),
                bar("Memory (running)", usage.memoryMib(), limits.memoryMib(), " MiB"),
                bar("Disk", usage.diskGib(), limits.diskGib(), " GiB"));
    }

    private static Div bar(String label, int used, int limit, String unit) {
        Span name = new Span(label);
        name.addClassName("label");
        Span figures = new Span(used + " of " + limit + unit);
        figures.addClassName("figures");
        ProgressBar bar = new ProgressBar(0, Math.max(limit, 1), Math.min(used, Math.max(limit, 1)));
        if (used >= limit) {
            bar.addThemeVariants(ProgressBarVariant.LUMO_ERROR);
        } else if (used * 5 >= limit * 4) {
            bar.addThemeVariants(ProgressBarVariant.LUMO_CONTRAST);
        }
        Div row = new Div(name, bar, figures);
        row.addClassName("quota-bar");
        row.getElement().setAttribute("data-quota", label);
        return row;
    }
}
