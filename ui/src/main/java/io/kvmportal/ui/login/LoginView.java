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
import java.util.Map;

/**
 * Sign-in. The form posts to {@code /login} as a plain HTML form (the web shell checks it and changes the session
 * id); a refusal comes back as {@code ?error=<reason>} (and {@code &wait=<seconds>} when it ends by itself) and is
 * shown here without saying which field was wrong.
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
        Map<String, List<String>> parameters = event.getLocation().getQueryParameters().getParameters();
        List<String> error = parameters.get("error");
        if (error == null || error.isEmpty()) {
            return;
        }
        String wait = waitInWords(parameters.get("wait"));
        switch (error.get(0)) {
            case "throttled" -> form.setI18n(texts("Too many failed sign-ins.",
                    "This login name must wait before it can try again. Retry " + wait + "."));
            case "address_throttled" -> form.setI18n(texts("Too many failed sign-ins from your network.",
                    "Sign-ins from your network address must wait before they are checked again. Retry " + wait
                            + "."));
            case "busy" -> form.setI18n(texts("The portal is busy.",
                    "It is checking too many sign-ins at once, so yours was not checked. Retry " + wait + "."));
            case "disabled" -> form.setI18n(texts("This account is disabled.",
                    "Ask an admin of this portal to enable it."));
            default -> {
                // "wrong_credentials" and anything unknown: the default text.
            }
        }
        form.setError(true);
    }

    /** "in 63 s" from the sign-in's {@code wait} parameter (digits only), else "in a minute". */
    private static String waitInWords(List<String> wait) {
        if (wait == null || wait.isEmpty() || !wait.get(0).matches("\\d{1,6}")) {
            return "in a minute";
        }
        return "in " + wait.get(0) + " s";
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
