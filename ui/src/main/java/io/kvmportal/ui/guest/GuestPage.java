package io.kvmportal.ui.guest;

import static io.kvmportal.ui.Cards.card;
import static io.kvmportal.ui.Cards.line;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestAction;
import io.kvmportal.console.ConsoleService;
import io.kvmportal.console.ConsoleShares;
import io.kvmportal.guest.GuestChangeFeed;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.GuestView;
import io.kvmportal.guest.SerialOutput;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.LiveUpdates;
import io.kvmportal.ui.Notifications;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * One guest: its size and image, its QEMU process as {@code top} shows it, a thumbnail of its screen while it runs,
 * and the actions its state allows. Another user's guest is "not found", like one that does not exist.
 */
@Route(value = "guests/:guestId([0-9]{1,18})", layout = MainLayout.class)
@Prototype
public class GuestPage extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    static final Duration FIGURES_EVERY = Duration.ofSeconds(3);
    /** A screenshot costs QEMU a frame copy and the portal a PNG encode: every few seconds is plenty. */
    static final Duration SCREEN_EVERY = Duration.ofSeconds(5);
    final H2 title = new H2();
    final Span state = new Span();
    final HorizontalLayout actionBar = new HorizontalLayout();
    final Paragraph error = new Paragraph();
    /** Shown while the guest is between states (being created, started, shut down, deleted). */
    final ProgressBar busy = new ProgressBar();
    final Image screen = new Image();
    final Span screenNote = new Span();
    final Pre serial = new Pre();
    /** The page keeps this much of the serial output; the API has all of the current run's. */
    static final int SERIAL_KEPT = 64 * 1024;
    private final StringBuilder serialText = new StringBuilder();
    private long serialNext = -1;
    private final GuestService guests;
    private final GuestChangeFeed changes;
    private final LiveUpdates updates;
    private final Actor actor;
    private final GuestActions actions;
    private final Div details = card("Guest");
    private final Div process = card("QEMU process (as top shows it)");
    private final Div screenCard = card("Screen");
    private final Div serialCard = card("Serial console (read-only)");
    private final Div consoleCard = card("Console");
    private final Span consoleNote = new Span();
    private GuestConsole console;
    private GuestView shown;
    private long screenTakenAt;

    private final ConsoleService consoles;
    private final ConsoleShares shares;
    final Button share = new Button("Share view-only…", VaadinIcon.EYE.create());

    public GuestPage(GuestService guests, GuestChangeFeed changes, LiveUpdates updates, SignedInUser signedIn,
                     ConsoleService consoles, ConsoleShares shares) {
        this.guests = guests;
        this.consoles = consoles;
        this.shares = shares;
        this.changes = changes;
        this.updates = updates;
        this.actor = signedIn.actor();
        this.actions = new GuestActions(guests, updates, actor);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        long id = event.getRouteParameters().getLong("guestId").orElse(-1L);
        Optional<GuestView> found = find(id);
        if (found.isEmpty()) {
            event.rerouteToError(NotFoundException.class, "You have no guest #" + id + ".");
            return;
        }
        build(found.get());
    }

    @Override
    public String getPageTitle() {
        return (shown == null ? "Guest" : shown.guest().name()) + " · kvm-portal";
    }

    private Optional<GuestView> find(long id) {
        try {
            return Optional.of(guests.get(actor, id));
        } catch (PortalException notTheirs) {
            return Optional.empty();
        }
    }

    private void build(GuestView view) {
        setMaxWidth("72em");
        Anchor back = new Anchor("guests", "← My guests");
        back.setId("back-to-guests");
        Button rename = new Button(VaadinIcon.EDIT.create(), click -> openRename());
        rename.setId("guest-rename");
        rename.setTooltipText("Rename");
        rename.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        title.setId("guest-name");
        HorizontalLayout header = new HorizontalLayout(title, rename, state);
        header.setDefaultVerticalComponentAlignment(Alignment.CENTER);
        actionBar.setId("guest-actions");
        actionBar.setSpacing(true);
        error.setId("guest-error");
        error.addClassName("guest-error");
        screen.setId("guest-screen");
        screen.addClassName("guest-screen");
        screen.addClickListener(click -> openFullScreenshot());
        screenNote.setId("guest-screen-note");
        screenNote.addClassName("label");
        screenCard.add(screen, screenNote);
        FlexLayout cards = new FlexLayout(details, process);
        cards.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        cards.addClassName("guest-cards");
        busy.setIndeterminate(true);
        busy.setId("guest-busy");
        busy.setMaxWidth("32em");
        serial.setId("guest-serial");
        serial.addClassName("guest-serial");
        serialCard.addClassName("wide");
        serialCard.add(serial);
        long id = view.guest().id();
        console = new GuestConsole(() -> consoles.issue(actor, id), false);
        consoleNote.setId("console-note");
        consoleNote.addClassName("label");
        consoleCard.addClassName("wide");
        share.setId("console-share");
        share.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        share.addClickListener(click -> getUI().ifPresent(ui -> ui.getPage().fetchCurrentURL(url ->
                new ShareConsoleDialog(shares, actor, id, shown.guest().name(),
                        url.getProtocol() + "://" + url.getAuthority()).open())));
        consoleCard.add(console, consoleNote, share);
        add(back, header, actionBar, busy, error, cards, consoleCard, screenCard, serialCard);
        show(view);
        long guestId = view.guest().id();
        updates.whileAttached(this, FIGURES_EVERY, this::refresh, onPage -> changes.subscribe(changed -> {
            if (changed.guestId() == guestId) {
                onPage.run();
            }
        }));
    }

    private void refresh() {
        Optional<GuestView> now = find(shown.guest().id());
        if (now.isEmpty()) {
            getUI().ifPresent(ui -> ui.navigate(GuestsView.class));
            return;
        }
        show(now.get());
    }

    private void show(GuestView view) {
        Guest guest = view.guest();
        boolean stateChanged = shown == null || !shown.guest().equals(guest);
        if (shown != null && shown.guest().state() == GuestState.STOPPED && guest.state() != GuestState.STOPPED) {
            serialNext = 0; // a new run: QEMU starts its serial log afresh
            serialText.setLength(0);
        }
        shown = view;
        if (stateChanged) {
            title.setText(guest.name());
            GuestBadges.update(state, guest);
            busy.setVisible(guest.state().transitional());
            showActions(view);
            showConsole(guest);
            error.setText(guest.lastError() == null ? "" : guest.lastError());
            error.setVisible(guest.lastError() != null);
            showDetails(view);
        }
        showProcess(view);
        showScreen(guest);
        showSerial(guest);
    }

    private void showConsole(Guest guest) {
        boolean live = guest.state().hasScreen();
        console.connect.setEnabled(live);
        consoleNote.setText(live ? "" : "The console opens while the guest runs.");
        if (guest.state() == GuestState.RUNNING) {
            console.guestRunsAgain();
        }
    }

    /** Appends what the guest wrote to its serial port since the last look (all of it after a restart). */
    private void showSerial(Guest guest) {
        SerialOutput out;
        try {
            out = guests.serial(actor, guest.id(), serialNext);
        } catch (PortalException unavailable) {
            return;
        }
        if (serialNext >= 0 && out.from() != serialNext) {
            serialText.setLength(0); // the guest started again: QEMU began a new log
        }
        serialNext = out.next();
        if (out.text().isEmpty() && !serialText.isEmpty()) {
            return;
        }
        serialText.append(out.text());
        if (serialText.length() > SERIAL_KEPT) {
            serialText.delete(0, serialText.length() - SERIAL_KEPT);
        }
        serial.setText(serialText.isEmpty() ? "(no serial output yet)" : serialText.toString());
        serial.getElement().executeJs("this.scrollTop = this.scrollHeight");
    }

    private void showActions(GuestView view) {
        actionBar.removeAll();
        for (GuestAction action : GuestActions.offeredIn(view.guest().state())) {
            Button button = new Button(GuestActions.label(action), click -> actions.run(action, shown, () -> { }));
            button.addThemeVariants(action == GuestAction.START ? ButtonVariant.LUMO_PRIMARY
                    : ButtonVariant.LUMO_CONTRAST);
            if (action == GuestAction.DELETE || action == GuestAction.FORCE_OFF) {
                button.addThemeVariants(ButtonVariant.LUMO_ERROR);
            }
            actionBar.add(button);
        }
    }

    private void showDetails(GuestView view) {
        Guest guest = view.guest();
        details.removeAll();
        details.add(new com.vaadin.flow.component.html.H3("Guest"),
                line("Image", view.imageName() == null ? "-" : view.imageName()),
                line("vCPUs", Integer.toString(guest.vcpus())),
                line("Memory", guest.memoryMib() + " MiB"),
                line("Disk", guest.diskGib() + " GiB (copy-on-write)"),
                line("Created", Forms.minute(guest.createdAt())),
                line("UUID", guest.uuid()));
    }

    private void showProcess(GuestView view) {
        process.removeAll();
        process.add(new com.vaadin.flow.component.html.H3("QEMU process (as top shows it)"),
                line("Linux account", view.linuxAccount()));
        if (view.pid() == null) {
            process.add(line("Process", "none: the guest is " + GuestBadges.text(view.guest())));
            return;
        }
        process.add(figure("PID", "guest-pid", Integer.toString(view.pid())),
                figure("State", "guest-process-state", GuestFigures.processState(view)),
                figure("CPU", "guest-cpu", String.format(Locale.ROOT, "%.1f %%", view.cpuPercent())),
                figure("Memory (RSS)", "guest-rss", (view.rssBytes() >> 20) + " MiB"),
                figure("Threads", "guest-threads", Integer.toString(view.threads())),
                figure("Up", "guest-uptime", GuestFigures.uptime(view.uptimeSeconds())));
    }

    private static Div figure(String label, String id, String value) {
        Span text = new Span(value);
        text.setId(id);
        return line(label, text);
    }

    private void showScreen(Guest guest) {
        boolean visible = guest.state().hasScreen();
        screen.setVisible(visible);
        if (!visible) {
            screenNote.setText("The screen shows while the guest runs.");
            screenTakenAt = 0;
            return;
        }
        long now = System.nanoTime();
        if (screenTakenAt != 0 && now - screenTakenAt < SCREEN_EVERY.toNanos()) {
            return;
        }
        screenTakenAt = now;
        try {
            byte[] png = guests.screenshot(actor, guest.id());
            screen.setSrc(new StreamResource("screen-" + now + ".png", () -> new ByteArrayInputStream(png)));
            screen.setAlt("The screen of " + guest.name());
            screenNote.setText("Refreshed every " + SCREEN_EVERY.toSeconds() + " s; click to enlarge.");
        } catch (PortalException unavailable) {
            screenNote.setText("No screen right now: " + unavailable.getMessage());
        }
    }

    private void openFullScreenshot() {
        Image large = new Image(screen.getSrc(), screen.getAlt().orElse(""));
        large.setId("guest-screen-large");
        large.setMaxWidth("100%");
        Dialog dialog = new Dialog(large);
        dialog.setHeaderTitle("Screen of " + shown.guest().name());
        dialog.getFooter().add(new Button("Close", close -> dialog.close()));
        dialog.open();
    }

    private void openRename() {
        TextField name = new TextField("New name", shown.guest().name(), "");
        name.setId("guest-new-name");
        name.setHelperText(io.kvmportal.guest.NewGuest.NAME_RULE);
        name.setWidthFull();
        Dialog dialog = new Dialog(name);
        dialog.setHeaderTitle("Rename " + shown.guest().name());
        Button save = new Button("Rename", click -> {
            try {
                GuestView renamed = guests.rename(actor, shown.guest().id(), name.getValue().strip());
                Notifications.success("Renamed to " + renamed.guest().name() + ".");
                dialog.close();
                show(renamed);
            } catch (PortalException refused) {
                Notifications.error(refused.getMessage());
            }
        });
        save.setId("guest-rename-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", cancel -> dialog.close()), save);
        dialog.open();
    }
}
