package io.kvmportal.ui.login;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import java.util.List;

/**
 * Sign-in. The form posts to {@code /login} as a plain HTML form (the web shell checks it and changes the session
 * id); a refusal comes back as {@code ?error=<reason>} and is shown here without saying which field was wrong.
 */
@Route("login")
@PageTitle("Sign in · kvm-portal")
@Prototype
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
    final LoginForm form = new LoginForm();

    public LoginView() {
        addClassName("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        form.setI18n(texts("Wrong login name or password.",
                "Check both and try again. Repeated failures make you wait longer before the next try."));
        H1 title = new H1("kvm-portal");
        Paragraph tagline = new Paragraph("Your KVM virtual machines, in the browser.");
        tagline.addClassName("tagline");
        Div brand = new Div(title, tagline);
        brand.addClassName("login-brand");
        add(brand, form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        List<String> error = event.getLocation().getQueryParameters().getParameters().get("error");
        if (error == null || error.isEmpty()) {
            return;
        }
        switch (error.get(0)) {
            case "throttled" -> form.setI18n(texts("Too many failed sign-ins.",
                    "This login name must wait before it can try again. Wait a minute, then retry."));
            case "disabled" -> form.setI18n(texts("This account is disabled.",
                    "Ask an admin of this portal to enable it."));
            default -> {
                // "wrong_credentials" and anything unknown: the default text.
            }
        }
        form.setError(true);
    }

    private static LoginI18n texts(String errorTitle, String errorMessage) {
        LoginI18n texts = LoginI18n.createDefault();
        texts.getForm().setTitle("Sign in");
        texts.getForm().setUsername("Login name");
        texts.getErrorMessage().setTitle(errorTitle);
        texts.getErrorMessage().setMessage(errorMessage);
        return texts;
    }
}
