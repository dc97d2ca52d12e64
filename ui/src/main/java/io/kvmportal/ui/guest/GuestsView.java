package io.kvmportal.ui.guest;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestAction;
import io.kvmportal.guest.GuestChangeFeed;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.GuestView;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.LiveUpdates;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.quota.QuotaBars;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's own guests with their live state and process figures, and every action a state allows. State changes
 * arrive by push the moment they are committed; the process figures are re-read every few seconds.
 */
@Route(value = "guests", layout = MainLayout.class)
@PageTitle("My guests · kvm-portal")
@Prototype
public class GuestsView extends VerticalLayout {
    static final Duration FIGURES_EVERY = Duration.ofSeconds(3);
    final Grid<GuestView> grid = new Grid<>();
    final Button newGuest = new Button("New guest", VaadinIcon.PLUS.create());
    private final GuestService guests;
    private final QuotaService quotas;
    private final GuestActions actions;
    private final Actor actor;
    private final VerticalLayout usage = new VerticalLayout();
    private final List<GuestView> items = new ArrayList<>();
    private final ListDataProvider<GuestView> rows = new ListDataProvider<>(items) {
        @Override
        public Object getId(GuestView view) {
            // Rows keep their key while figures change, so a click always reaches the guest it was meant for.
            return view.guest().id();
        }
    };
    private List<Guest> shown = List.of();

    public GuestsView(GuestService guests, ImageCatalog images, QuotaService quotas, SignedInUser signedIn,
                      GuestChangeFeed changes, LiveUpdates updates) {
        this.guests = guests;
        this.quotas = quotas;
        this.actor = signedIn.actor();
        this.actions = new GuestActions(guests, updates, actor);
        setSizeFull();
        newGuest.setId("new-guest");
        newGuest.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newGuest.addClickListener(click -> {
            NewGuestDialog dialog = new NewGuestDialog(images.list(actor), request -> guests.create(actor, request));
            dialog.addOpenedChangeListener(change -> refresh());
            dialog.open();
        });
        HorizontalLayout header = Forms.pageHeader("My guests", newGuest);
        usage.setPadding(false);
        usage.setMaxWidth("52em");
        configureGrid();
        add(header, usage, grid);
        refresh();
        long me = actor.id();
        updates.whileAttached(this, FIGURES_EVERY, this::refresh,
                onPage -> changes.subscribe(changed -> {
                    if (changed.ownerId() == me) {
                        onPage.run();
                    }
                }));
    }

    private void configureGrid() {
        grid.setId("guests");
        grid.setItems(rows);
        grid.addColumn(LitRenderer.<GuestView>of("<a href=\"guests/${item.id}\" data-guest-link=\"${item.name}\">"
                        + "${item.name}</a>")
                .withProperty("id", view -> view.guest().id())
                .withProperty("name", view -> view.guest().name()))
                .setHeader("Name").setAutoWidth(true);
        grid.addColumn(GuestBadges.stateRenderer()).setHeader("State").setAutoWidth(true);
        grid.addColumn(view -> view.imageName() == null ? "" : view.imageName()).setHeader("Image").setAutoWidth(true);
        grid.addColumn(GuestFigures::size).setHeader("Size").setAutoWidth(true);
        grid.addColumn(GuestFigures::process).setHeader("QEMU process (as top shows it)").setAutoWidth(true)
                .setTooltipGenerator(view -> view.pid() == null ? "" : "runs as " + view.linuxAccount() + ", "
                        + view.threads() + " threads");
        grid.addColumn(actionsRenderer()).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
    }

    /**
     * One button per action the state allows. A template rather than components: re-rendering a row for new
     * figures keeps its buttons, so a click that lands meanwhile is not lost.
     */
    private LitRenderer<GuestView> actionsRenderer() {
        StringBuilder template = new StringBuilder("<div class=\"guest-actions\" data-guest=\"${item.name}\">");
        for (GuestAction action : GuestActions.OFFERED) {
            template.append("<vaadin-button theme=\"small tertiary").append(action == GuestAction.DELETE ? " error" : "")
                    .append("\" ?hidden=\"${!item.can").append(key(action)).append("}\" @click=\"${on")
                    .append(key(action)).append("}\">").append(GuestActions.label(action)).append("</vaadin-button>");
        }
        template.append("</div>");
        LitRenderer<GuestView> renderer = LitRenderer.<GuestView>of(template.toString())
                .withProperty("name", view -> view.guest().name());
        for (GuestAction action : GuestActions.OFFERED) {
            renderer.withProperty("can" + key(action), view -> action.allowedIn(view.guest().state()))
                    .withFunction("on" + key(action), view -> actions.run(action, view, this::refresh));
        }
        return renderer;
    }

    /** START -> Start, FORCE_OFF -> ForceOff: part of a template name ("delete" alone is a JavaScript keyword). */
    private static String key(GuestAction action) {
        StringBuilder key = new StringBuilder();
        for (String word : action.name().split("_")) {
            key.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return key.toString();
    }

    /** Re-reads the guests; rows whose guest is unchanged only get new figures. */
    private void refresh() {
        List<GuestView> now = guests.list(actor);
        List<Guest> records = now.stream().map(GuestView::guest).toList();
        items.clear();
        items.addAll(now);
        rows.refreshAll();
        if (!records.equals(shown)) {
            shown = records;
            usage.removeAll();
            usage.add(new QuotaBars(quotas.view(actor, actor.id())));
        }
    }
}
