package io.kvmportal.ui.guest;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.console.ConsoleShares;
import io.kvmportal.console.SharedConsole;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.Notifications;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The owner makes view-only links to a guest's console, sees who watches, and revokes them. */
class ShareConsoleDialog extends Dialog {
    private static final Map<String, Duration> LIFETIMES = new LinkedHashMap<>();

    static {
        LIFETIMES.put("15 minutes", Duration.ofMinutes(15));
        LIFETIMES.put("1 hour", Duration.ofHours(1));
        LIFETIMES.put("8 hours", Duration.ofHours(8));
        LIFETIMES.put("1 day", Duration.ofDays(1));
        LIFETIMES.put("7 days", Duration.ofDays(7));
    }

    final Select<String> lifetime = new Select<>();
    final TextField address = new TextField("Send this address (shown once)");
    final Grid<SharedConsole> links = new Grid<>();
    private final ConsoleShares shares;
    private final Actor owner;
    private final long guestId;

    ShareConsoleDialog(ConsoleShares shares, Actor owner, long guestId, String guestName, String origin) {
        this.shares = shares;
        this.owner = owner;
        this.guestId = guestId;
        setHeaderTitle("Share the screen of " + guestName);
        setWidth("44em");
        lifetime.setLabel("View only, for");
        lifetime.setId("share-lifetime");
        lifetime.setItems(LIFETIMES.keySet());
        lifetime.setValue("1 hour");
        Button create = new Button("Create link", click -> create(origin));
        create.setId("share-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout make = new HorizontalLayout(lifetime, create);
        make.setAlignItems(HorizontalLayout.Alignment.BASELINE);
        address.setId("share-address");
        address.setReadOnly(true);
        address.setWidthFull();
        address.setVisible(false);
        links.setId("share-links");
        links.addThemeVariants(GridVariant.LUMO_COMPACT);
        links.setAllRowsVisible(true);
        links.addColumn(link -> Forms.minute(link.createdAt())).setHeader("Made").setAutoWidth(true);
        links.addColumn(link -> Forms.minute(link.expiresAt())).setHeader("Until").setAutoWidth(true);
        links.addColumn(link -> link.active() ? "active" : link.revokedAt() != null ? "revoked" : "expired")
                .setHeader("State").setAutoWidth(true);
        links.addColumn(SharedConsole::viewers).setHeader("Watching now").setAutoWidth(true);
        links.addComponentColumn(link -> {
            Button revoke = new Button("Revoke", click -> revoke(link));
            revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            revoke.setEnabled(link.active());
            revoke.getElement().setAttribute("data-link", Long.toString(link.id()));
            return revoke;
        }).setAutoWidth(true);
        links.setEmptyStateText("No links yet.");
        add(new Paragraph("Anyone with an account here who has the address sees the screen, live, and cannot touch"
                + " it. Revoking a link disconnects them at once."), make, address, links);
        getFooter().add(new Button("Close", close -> close()));
        refresh();
    }

    private void create(String origin) {
        try {
            SharedConsole link = shares.create(owner, guestId, LIFETIMES.get(lifetime.getValue()));
            address.setValue(origin + link.path());
            address.setVisible(true);
            Notifications.success("Link created, view only, until " + Forms.minute(link.expiresAt()) + ".");
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
        refresh();
    }

    private void revoke(SharedConsole link) {
        try {
            shares.revoke(owner, guestId, link.id());
            Notifications.success("Revoked the link; whoever watched through it was disconnected.");
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
        refresh();
    }

    private void refresh() {
        links.setItems(shares.list(owner, guestId));
    }
}
