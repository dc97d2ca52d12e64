package io.kvmportal.ui.quota;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.quota.QuotaView;
import io.kvmportal.ui.Notifications;

/** An admin sets one user's limits, or puts them back to the defaults. */
public class QuotaDialog extends Dialog {
    final QuotaForm form;
    final Button save = new Button("Save");
    final Button reset = new Button("Reset to defaults");

    public QuotaDialog(QuotaService quotas, Actor admin, long userId, String login) {
        QuotaView current = quotas.view(admin, userId);
        form = new QuotaForm(current.limits());
        form.showUsage(current.usage());
        setHeaderTitle("Quota of " + login);
        save.setId("quota-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(click -> apply(() -> quotas.setLimits(admin, userId, form.limits()),
                "Saved the quota of " + login + "."));
        reset.addClickListener(click -> apply(() -> quotas.resetToDefaults(admin, userId),
                login + " has the default quota again."));
        add(new Paragraph(current.custom() ? "Set for this user." : "The defaults apply to this user."
                + " A limit below current use blocks new use and stops nothing."), form);
        getFooter().add(reset, new Button("Cancel", cancel -> close()), save);
    }

    private void apply(java.util.function.Supplier<QuotaView> change, String success) {
        try {
            change.get();
            Notifications.success(success);
            close();
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
    }
}
