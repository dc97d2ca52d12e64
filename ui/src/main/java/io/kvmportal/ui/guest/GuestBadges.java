package io.kvmportal.ui.guest;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.renderer.LitRenderer;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestView;
import java.util.Locale;

/** A guest's state as a coloured badge; a stopped guest that failed is red, with the reason as its tooltip. */
final class GuestBadges {

    private GuestBadges() {
    }

    static String theme(Guest guest) {
        return switch (guest.state()) {
            case RUNNING -> "badge success";
            case STOPPED -> guest.lastError() == null ? "badge contrast" : "badge error";
            default -> "badge";
        };
    }

    static String text(Guest guest) {
        return guest.state().name().toLowerCase(Locale.ROOT);
    }

    static LitRenderer<GuestView> stateRenderer() {
        return LitRenderer.<GuestView>of("<span theme=\"${item.theme}\" data-guest-state=\"${item.name}\""
                        + " title=\"${item.error}\">${item.state}</span>")
                .withProperty("theme", view -> theme(view.guest()))
                .withProperty("name", view -> view.guest().name())
                .withProperty("state", view -> text(view.guest()))
                .withProperty("error", view -> view.guest().lastError() == null ? "" : view.guest().lastError());
    }

    static Span badge(Guest guest) {
        Span badge = new Span();
        update(badge, guest);
        return badge;
    }

    static void update(Span badge, Guest guest) {
        badge.setText(text(guest));
        badge.getElement().setAttribute("theme", theme(guest));
        badge.getElement().setAttribute("data-guest-state", guest.name());
        badge.getElement().setAttribute("title", guest.lastError() == null ? "" : guest.lastError());
    }
}
