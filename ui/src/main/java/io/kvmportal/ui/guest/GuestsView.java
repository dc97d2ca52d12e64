package io.kvmportal.ui.guest;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestAction;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.GuestView;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.ui.Notifications;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.quota.QuotaBars;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The user's own guests with their live state and process figures, and every action a state allows. */
@Route(value = "guests", layout = MainLayout.class)
@PageTitle("My guests · kvm-portal")
@Prototype
public class GuestsView extends VerticalLayout {
    private static final int POLL_MILLIS = 2000;
    final Grid<GuestView> grid = new Grid<>(GuestView.class, false);
    final Button newGuest = new Button("New guest", VaadinIcon.PLUS.create());
    private final GuestService guests;
    private final QuotaService quotas;
    private final Actor actor;
    private final VerticalLayout usage = new VerticalLayout();
    private List<Guest> shown = List.of();

    public GuestsView(GuestService guests, ImageCatalog images, QuotaService quotas, SignedInUser signedIn) {
        this.guests = guests;
        this.quotas = quotas;
        this.actor = signedIn.actor();
        setSizeFull();
        newGuest.setId("new-guest");
        newGuest.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newGuest.addClickListener(click -> {
            NewGuestDialog dialog = new NewGuestDialog(images.list(actor), request -> guests.create(actor, request));
            dialog.addOpenedChangeListener(change -> refresh());
            dialog.open();
        });
        HorizontalLayout header = new HorizontalLayout(new H2("My guests"), newGuest);
        header.setWidthFull();
        header.setJustifyContentMode(JustifyContentMode.BETWEEN);
        header.setDefaultVerticalComponentAlignment(Alignment.CENTER);
        usage.setPadding(false);
        usage.setMaxWidth("52em");
        configureGrid();
        add(header, usage, grid);
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        // Guests change on their own (they power off, crash): the page asks the server every two seconds.
        attach.getUI().setPollInterval(POLL_MILLIS);
        attach.getUI().addPollListener(poll -> refreshIfChanged());
    }

    private void configureGrid() {
        grid.setId("guests");
        grid.addColumn(view -> view.guest().name()).setHeader("Name").setAutoWidth(true);
        grid.addComponentColumn(GuestsView::state).setHeader("State").setAutoWidth(true);
        grid.addColumn(view -> view.imageName() == null ? "" : view.imageName()).setHeader("Image").setAutoWidth(true);
        grid.addColumn(view -> view.guest().vcpus() + " vCPU · " + view.guest().memoryMib() + " MiB · "
                + view.guest().diskGib() + " GiB").setHeader("Size").setAutoWidth(true);
        grid.addColumn(GuestsView::process).setHeader("QEMU process (as top shows it)").setAutoWidth(true)
                .setTooltipGenerator(view -> view.pid() == null ? "" : "runs as " + view.linuxAccount() + ", "
                        + view.threads() + " threads");
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
    }

    private static Component state(GuestView view) {
        GuestState state = view.guest().state();
        Span badge = new Span(state.name().toLowerCase(Locale.ROOT));
        badge.getElement().getThemeList().add(switch (state) {
            case RUNNING -> "badge success";
            case STOPPED -> view.guest().lastError() == null ? "badge contrast" : "badge error";
            default -> "badge";
        });
        badge.getElement().setAttribute("data-guest-state", view.guest().name());
        if (view.guest().lastError() != null) {
            badge.getElement().setAttribute("title", view.guest().lastError());
        }
        return badge;
    }

    private static String process(GuestView view) {
        if (view.pid() == null) {
            return "";
        }
        return String.format(Locale.ROOT, "pid %d · %s · CPU %.0f%% · %d MiB · up %ds", view.pid(),
                view.processState().toLowerCase(Locale.ROOT).replace('_', ' '), view.cpuPercent(),
                view.rssBytes() >> 20, view.uptimeSeconds());
    }

    private Component actions(GuestView view) {
        long id = view.guest().id();
        GuestState state = view.guest().state();
        HorizontalLayout actions = new HorizontalLayout();
        actions.setSpacing(false);
        actions.getElement().setAttribute("data-guest", view.guest().name());
        addIf(actions, state, GuestAction.START, "Start", () -> guests.start(actor, id));
        addIf(actions, state, GuestAction.SHUTDOWN, "Shut down", () -> guests.shutdown(actor, id));
        addIf(actions, state, GuestAction.PAUSE, "Pause", () -> guests.pause(actor, id));
        addIf(actions, state, GuestAction.RESUME, "Resume", () -> guests.resume(actor, id));
        addIf(actions, state, GuestAction.REBOOT, "Reboot", () -> guests.reboot(actor, id));
        addIf(actions, state, GuestAction.FORCE_OFF, "Force off", () -> guests.forceOff(actor, id));
        if (state == GuestState.RUNNING || state == GuestState.PAUSED) {
            actions.add(small("Screen", () -> showScreen(view)));
        }
        if (GuestAction.DELETE.allowedIn(state)) {
            Button delete = small("Delete", () -> confirmDelete(view));
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            actions.add(delete);
        }
        return actions;
    }

    private void addIf(HorizontalLayout actions, GuestState state, GuestAction action, String label,
                       Supplier<GuestView> run) {
        if (action.allowedIn(state)) {
            actions.add(small(label, () -> act(run, label)));
        }
    }

    private void act(Supplier<GuestView> action, String label) {
        try {
            GuestView after = action.get();
            Notifications.success(label + ": " + after.guest().name() + " is now "
                    + after.guest().state().name().toLowerCase(Locale.ROOT) + ".");
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
        refresh();
    }

    private void confirmDelete(GuestView view) {
        ConfirmDialog confirm = new ConfirmDialog("Delete " + view.guest().name() + "?",
                "Its disk is removed for good. This cannot be undone.", "Delete", yes -> delete(view));
        confirm.setConfirmButtonTheme("error primary");
        confirm.setCancelable(true);
        confirm.open();
    }

    private void delete(GuestView view) {
        try {
            guests.delete(actor, view.guest().id());
            Notifications.success("Deleted " + view.guest().name() + ".");
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
        refresh();
    }

    private void showScreen(GuestView view) {
        try {
            byte[] png = guests.screenshot(actor, view.guest().id());
            Image screen = new Image(new StreamResource("screen.png", () -> new ByteArrayInputStream(png)),
                    "The screen of " + view.guest().name());
            screen.setId("guest-screen");
            screen.setMaxWidth("100%");
            Dialog dialog = new Dialog(screen);
            dialog.setHeaderTitle("Screen of " + view.guest().name());
            dialog.getFooter().add(new Button("Close", close -> dialog.close()));
            dialog.open();
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
    }

    /**
     * Re-renders only when a guest's state (or name, or error) changed: re-rendering rebuilds every row's
     * buttons, and a click that lands during a rebuild would be lost.
     */
    private void refreshIfChanged() {
        List<GuestView> now = guests.list(actor);
        if (!now.stream().map(GuestView::guest).toList().equals(shown)) {
            show(now);
        }
    }

    private void refresh() {
        show(guests.list(actor));
    }

    private void show(List<GuestView> views) {
        shown = views.stream().map(GuestView::guest).toList();
        grid.setItems(views);
        usage.removeAll();
        usage.add(new QuotaBars(quotas.view(actor, actor.id())));
    }

    private static Button small(String text, Runnable action) {
        Button button = new Button(text, click -> action.run());
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        return button;
    }
}
