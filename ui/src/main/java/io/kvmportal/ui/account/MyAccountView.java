package io.kvmportal.ui.account;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.account.AccountService;
import io.kvmportal.account.PasswordPolicy;
import io.kvmportal.api.PortalException;
import io.kvmportal.ui.Notifications;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;

/** Where users change their own password: the current one is required, and the rule is stated up front. */
@Route(value = "account", layout = MainLayout.class)
@PageTitle("My account · kvm-portal")
@Prototype
public class MyAccountView extends VerticalLayout {
    final PasswordField current = new PasswordField("Current password");
    final PasswordField replacement = new PasswordField("New password");
    final PasswordField repeat = new PasswordField("New password again");
    final Button change = new Button("Change password");
    private final AccountService accounts;
    private final SignedInUser signedIn;

    public MyAccountView(AccountService accounts, SignedInUser signedIn) {
        this.accounts = accounts;
        this.signedIn = signedIn;
        current.setId("current-password");
        replacement.setId("new-password");
        repeat.setId("repeat-password");
        change.setId("change-password");
        replacement.setHelperText("The rule: " + PasswordPolicy.RULE + ".");
        change.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        change.addClickListener(click -> changePassword());
        FormLayout form = new FormLayout(current, replacement, repeat);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        form.setMaxWidth("28em");
        add(new H2("My account"), new Paragraph("Signed in as " + signedIn.get().login() + "."), form, change);
    }

    private void changePassword() {
        if (!replacement.getValue().equals(repeat.getValue())) {
            repeat.setInvalid(true);
            repeat.setErrorMessage("The two new passwords differ.");
            return;
        }
        repeat.setInvalid(false);
        try {
            accounts.changeOwnPassword(signedIn.actor(), current.getValue(), replacement.getValue());
            current.clear();
            replacement.clear();
            repeat.clear();
            Notifications.success("Your password is changed. Use it the next time you sign in.");
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
    }
}
