package io.kvmportal.ui.admin;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import io.kvmportal.account.LoginName;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.PasswordPolicy;
import io.kvmportal.account.Role;
import io.kvmportal.account.UserView;
import io.kvmportal.api.PortalException;
import io.kvmportal.ui.Notifications;
import java.util.function.Function;

/** The admin's form for a new account; stays open with the input kept when the service refuses it. */
class NewUserDialog extends Dialog {
    final TextField login = new TextField("Login name");
    final TextField displayName = new TextField("Display name");
    final PasswordField password = new PasswordField("Initial password");
    final Select<Role> role = new Select<>();
    final Button create = new Button("Create user");

    NewUserDialog(Function<NewUser, UserView> creator) {
        setHeaderTitle("New user");
        login.setId("new-user-login");
        login.setHelperText(LoginName.RULE);
        login.setMaxLength(LoginName.MAX_LENGTH);
        login.setRequired(true);
        displayName.setId("new-user-display-name");
        displayName.setHelperText("Optional; the login name if empty");
        password.setId("new-user-password");
        password.setHelperText(PasswordPolicy.RULE);
        role.setLabel("Role");
        role.setItems(Role.values());
        role.setValue(Role.USER);
        create.setId("new-user-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(click -> submit(creator));
        FormLayout form = new FormLayout(login, displayName, password, role);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        add(form);
        getFooter().add(new Button("Cancel", cancel -> close()), create);
    }

    private void submit(Function<NewUser, UserView> creator) {
        try {
            UserView user = creator.apply(new NewUser(login.getValue().strip(), displayName.getValue(),
                    password.getValue(), role.getValue()));
            Notifications.success("Created " + user.login() + ".");
            close();
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
    }
}
