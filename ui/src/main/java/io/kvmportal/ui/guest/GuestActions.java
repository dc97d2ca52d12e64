package io.kvmportal.ui.guest;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.guest.GuestAction;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.GuestView;
import io.kvmportal.ui.LiveUpdates;
import io.kvmportal.ui.Notifications;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buttons a guest's state allows, as the list and the guest's page offer them. Each runs off the request thread
 * (a start waits for QEMU; a page must not freeze meanwhile); the guest's new state reaches the page by push, and
 * the outcome as a notification: a refusal in the portal's words, such as the tail of QEMU's error output.
 */
final class GuestActions {
    private static final Logger LOG = LoggerFactory.getLogger(GuestActions.class);
    /** The order buttons appear in; rename has its own place on the guest's page. */
    static final List<GuestAction> OFFERED = List.of(GuestAction.START, GuestAction.SHUTDOWN, GuestAction.PAUSE,
            GuestAction.RESUME, GuestAction.REBOOT, GuestAction.FORCE_OFF, GuestAction.DELETE);
    private final GuestService guests;
    private final LiveUpdates updates;
    private final Actor actor;

    GuestActions(GuestService guests, LiveUpdates updates, Actor actor) {
        this.guests = guests;
        this.updates = updates;
        this.actor = actor;
    }

    static List<GuestAction> offeredIn(GuestState state) {
        return OFFERED.stream().filter(action -> action.allowedIn(state)).toList();
    }

    static String label(GuestAction action) {
        return switch (action) {
            case START -> "Start";
            case SHUTDOWN -> "Shut down";
            case PAUSE -> "Pause";
            case RESUME -> "Resume";
            case REBOOT -> "Reboot";
            case FORCE_OFF -> "Force off";
            case RENAME -> "Rename";
            case DELETE -> "Delete";
        };
    }

    /** Runs the action on the guest; deleting asks first. {@code deleted} runs once the guest is gone. */
    void run(GuestAction action, GuestView target, Runnable deleted) {
        long id = target.guest().id();
        String name = target.guest().name();
        switch (action) {
            case START -> inBackground(action, name, () -> guests.start(actor, id));
            case SHUTDOWN -> inBackground(action, name, () -> guests.shutdown(actor, id));
            case PAUSE -> inBackground(action, name, () -> guests.pause(actor, id));
            case RESUME -> inBackground(action, name, () -> guests.resume(actor, id));
            case REBOOT -> inBackground(action, name, () -> guests.reboot(actor, id));
            case FORCE_OFF -> inBackground(action, name, () -> guests.forceOff(actor, id));
            case DELETE -> confirmDelete(target, deleted);
            case RENAME -> throw new IllegalArgumentException("rename takes a name: see GuestPage");
        }
    }

    private void inBackground(GuestAction action, String name, Supplier<GuestView> call) {
        updates.inBackground(UI.getCurrent(), call,
                after -> Notifications.success(label(action) + ": " + after.guest().name() + " is now "
                        + after.guest().state().name().toLowerCase(Locale.ROOT) + "."),
                failure -> refused(action, name, failure));
    }

    private void confirmDelete(GuestView target, Runnable deleted) {
        ConfirmDialog confirm = new ConfirmDialog("Delete " + target.guest().name() + "?",
                "Its disk is removed for good. This cannot be undone.", "Delete", yes ->
                updates.inBackground(UI.getCurrent(), () -> {
                    guests.delete(actor, target.guest().id());
                    return target;
                }, gone -> {
                    Notifications.success("Deleted " + gone.guest().name() + ".");
                    deleted.run();
                }, failure -> refused(GuestAction.DELETE, target.guest().name(), failure)));
        confirm.setConfirmButtonTheme("error primary");
        confirm.setCancelable(true);
        confirm.open();
    }

    private static void refused(GuestAction action, String name, RuntimeException failure) {
        if (failure instanceof PortalException refusal) {
            Notifications.error(refusal.getMessage());
        } else {
            LOG.error("Could not {} {}", action.verb(), name, failure);
            Notifications.error("Could not " + action.verb() + " " + name + ": an unexpected error; see the portal's log.");
        }
    }
}
