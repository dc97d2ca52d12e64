package io.kvmportal.ui.admin;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.textfield.PasswordField;
import io.kvmportal.account.PasswordPolicy;
import io.kvmportal.account.UserView;
import io.kvmportal.api.PortalException;
import io.kvmportal.ui.Notifications;
import java.util.function.Consumer;

/** Sets a new password for a user who lost theirs. */
class PasswordResetDialog extends Dialog {
    final PasswordField password = new PasswordField("New password");
    final Button reset = new Button("Set password");

    PasswordResetDialog(UserView user, Consumer<String> resetter) {
        setHeaderTitle("New password for " + user.login());
        password.setId("reset-password");
        password.setHelperText(PasswordPolicy.RULE);
        password.setWidthFull();
        reset.setId("reset-password-confirm");
        reset.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        reset.addClickListener(click -> {
            try {
                resetter.accept(password.getValue());
                Notifications.success("New password set for " + user.login() + ".");
                close();
            } catch (PortalException refused) {
                Notifications.error(refused.getMessage());
            }
        });
        add(password);
        getFooter().add(new Button("Cancel", cancel -> close()), reset);
    }
}
