package io.kvmportal.ui.home;

import static io.kvmportal.ui.Cards.card;
import static io.kvmportal.ui.Cards.line;

import com.vaadin.flow.component.html.Code;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinRequest;
import io.kvmportal.account.UserView;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.quota.QuotaBars;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;

/** The first page after sign-in: who you are here, and how to reach the portal from scripts. */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Overview · kvm-portal")
@Prototype
public class HomeView extends VerticalLayout {

    public HomeView(SignedInUser signedIn, QuotaService quotas) {
        UserView user = signedIn.get();
        H2 greeting = new H2("Welcome, " + user.displayName());
        greeting.setId("welcome");
        Div quotaCard = card("Your quota");
        quotaCard.add(new QuotaBars(quotas.view(user.actor(), user.id())));
        add(greeting, quotaCard, accountCard(user), apiCard(portalAddress()));
    }

    private static Div accountCard(UserView user) {
        Div card = card("Your account");
        card.add(line("Login name", user.login()),
                line("Role", user.isAdmin() ? "Admin" : "User"),
                line("Linux account for your guests", "kvmp-" + user.login()));
        return card;
    }

    /** The address the browser used to reach us, so the example can be pasted as it is. */
    private static String portalAddress() {
        VaadinRequest request = VaadinRequest.getCurrent();
        String host = request == null ? null : request.getHeader("Host");
        return host == null ? "http://localhost:8080" : "http://" + host;
    }

    private static Div apiCard(String portal) {
        Div card = card("Scripts and the REST API");
        card.add(new Paragraph("Trade your login for a bearer token, then send it with every call:"),
                new Code("curl -s -X POST -H 'Content-Type: application/json' "
                        + "-d '{\"login\":\"<login>\",\"password\":\"<password>\"}' " + portal + "/api/v1/auth/token"),
                new Paragraph("Tokens expire, and you can revoke one with DELETE /api/v1/auth/token."));
        return card;
    }

}
