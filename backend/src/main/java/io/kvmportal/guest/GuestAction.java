package io.kvmportal.guest;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a user can ask of a guest, and the states in which each makes sense. */
public enum GuestAction {
    START(EnumSet.of(GuestState.STOPPED)),
    SHUTDOWN(EnumSet.of(GuestState.RUNNING, GuestState.PAUSED)),
    FORCE_OFF(EnumSet.of(GuestState.STARTING, GuestState.RUNNING, GuestState.PAUSED, GuestState.STOPPING)),
    PAUSE(EnumSet.of(GuestState.RUNNING)),
    RESUME(EnumSet.of(GuestState.PAUSED)),
    REBOOT(EnumSet.of(GuestState.RUNNING)),
    RENAME(EnumSet.allOf(GuestState.class)),
    DELETE(EnumSet.of(GuestState.STOPPED));

    private final Set<GuestState> allowedIn;

    GuestAction(Set<GuestState> allowedIn) {
        this.allowedIn = allowedIn;
    }

    public boolean allowedIn(GuestState state) {
        return allowedIn.contains(state);
    }

    /** Throws the named refusal (HTTP 409) when the guest's state does not allow this action. */
    public void requireAllowedIn(String guestName, GuestState state) {
        if (!allowedIn(state)) {
            throw GuestException.wrongState(verb(), guestName, state);
        }
    }

    public String verb() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
