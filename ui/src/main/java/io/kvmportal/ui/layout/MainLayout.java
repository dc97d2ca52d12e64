package io.kvmportal.ui.layout;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import io.kvmportal.account.UserView;
import io.kvmportal.agentlink.AgentLink;
import io.kvmportal.ui.account.MyAccountView;
import io.kvmportal.ui.admin.HostView;
import io.kvmportal.ui.admin.ImagesView;
import io.kvmportal.ui.admin.UsersView;
import io.kvmportal.ui.audit.AuditView;
import io.kvmportal.ui.guest.GuestsView;
import io.kvmportal.ui.home.HomeView;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;

/**
 * The frame of every signed-in page: navigation on the left (admin entries for admins), the user on the right, and
 * between them a banner while the host agent is unreachable.
 */
@Prototype
public class MainLayout extends AppLayout {
    final Button signOut = new Button("Sign out", VaadinIcon.SIGN_OUT.create());

    public MainLayout(SignedInUser signedIn, AgentLink agentLink) {
        UserView user = signedIn.get();
        Span who = new Span(user.displayName() + (user.isAdmin() ? " (admin)" : ""));
        who.setId("signed-in-user");
        signOut.setId("sign-out");
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        signOut.addClickListener(click -> signedIn.signOut());
        HorizontalLayout right = new HorizontalLayout(who, signOut);
        right.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        right.addClassName("portal-user");
        addToNavbar(new DrawerToggle(), new AgentBanner(agentLink), right);
        addToDrawer(brand(), navigation(user));
        setPrimarySection(Section.DRAWER);
    }

    private static Div brand() {
        Image logo = new Image("icons/kvm-portal.svg", "");
        Span name = new Span("kvm-portal");
        Div brand = new Div(logo, name);
        brand.addClassName("portal-brand");
        return brand;
    }

    private static SideNav navigation(UserView user) {
        SideNav nav = new SideNav();
        nav.addClassName("portal-nav");
        nav.addItem(new SideNavItem("Overview", HomeView.class, VaadinIcon.HOME.create()));
        nav.addItem(new SideNavItem("My guests", GuestsView.class, VaadinIcon.DESKTOP.create()));
        nav.addItem(new SideNavItem("My account", MyAccountView.class, VaadinIcon.USER.create()));
        nav.addItem(new SideNavItem("Audit log", AuditView.class, VaadinIcon.LIST.create()));
        if (user.isAdmin()) {
            SideNavItem admin = new SideNavItem("Administration");
            admin.setPrefixComponent(VaadinIcon.COG.create());
            admin.addItem(new SideNavItem("Users", UsersView.class, VaadinIcon.USERS.create()));
            admin.addItem(new SideNavItem("Images", ImagesView.class, VaadinIcon.DISC.create()));
            admin.addItem(new SideNavItem("Host", HostView.class, VaadinIcon.SERVER.create()));
            admin.setExpanded(true);
            nav.addItem(admin);
        }
        return nav;
    }
}
