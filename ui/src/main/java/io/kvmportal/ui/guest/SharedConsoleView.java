package io.kvmportal.ui.guest;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.console.ConsoleShares;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;

/**
 * Someone else's guest, through a view-only link its owner sent: the screen, live, that keys and clicks never
 * reach. Anyone signed in may follow a link; what they may do with it is decided at every connection.
 */
@Route(value = "shared-console/:token([A-Za-z0-9_-]{1,100})", layout = MainLayout.class)
@PageTitle("Shared console · kvm-portal")
@Prototype
public class SharedConsoleView extends VerticalLayout implements BeforeEnterObserver {
    final H2 title = new H2("Shared console");
    final Paragraph about = new Paragraph();
    private final ConsoleShares shares;
    private final Actor viewer;
    private GuestConsole console;

    public SharedConsoleView(ConsoleShares shares, SignedInUser signedIn) {
        this.shares = shares;
        this.viewer = signedIn.actor();
        setMaxWidth("72em");
        about.setId("shared-console-about");
        add(title, about);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        String token = event.getRouteParameters().get("token").orElse("");
        try {
            ConsoleShares.Viewing viewing = shares.follow(viewer, token);
            title.setText("Screen of " + viewing.guestName());
            about.setText("Shared by " + viewing.owner() + ", view only, until " + Forms.minute(viewing.until())
                    + ". Your keys and clicks do not reach the guest.");
            console = new GuestConsole(() -> shares.issue(viewer, token), true);
            add(console);
        } catch (PortalException refused) {
            title.setText("Shared console");
            about.setText(refused.getMessage());
        }
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        if (console != null && !console.isOpen()) {
            console.connect();
        }
    }
}
