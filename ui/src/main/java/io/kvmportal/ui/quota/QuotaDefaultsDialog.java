package io.kvmportal.ui.quota;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.ui.Notifications;

/** An admin sets the limits of every user who has none of their own. */
public class QuotaDefaultsDialog extends Dialog {
    final QuotaForm form;
    final Button save = new Button("Save defaults");

    public QuotaDefaultsDialog(QuotaService quotas, Actor admin) {
        form = new QuotaForm(quotas.defaults(admin));
        setHeaderTitle("Default quota");
        save.setId("quota-defaults-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(click -> {
            try {
                quotas.setDefaults(admin, form.limits());
                Notifications.success("Saved the default quota.");
                close();
            } catch (PortalException refused) {
                Notifications.error(refused.getMessage());
            }
        });
        add(new Paragraph("For every user without limits of their own, new users included."), form);
        getFooter().add(new Button("Cancel", cancel -> close()), save);
    }
}
