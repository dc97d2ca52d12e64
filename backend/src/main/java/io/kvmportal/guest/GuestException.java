package io.kvmportal.guest;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import java.util.Locale;

/** A refused guest operation; the message names the guest and what was wrong. */
public class GuestException extends PortalException {

    GuestException(Fault fault, String message) {
        super(fault, message);
    }

    static GuestException invalid(String message) {
        return new GuestException(Fault.INVALID_INPUT, message);
    }

    /** Another user's guest answers exactly like a guest that does not exist. */
    static GuestException notFound(long id) {
        return new GuestException(Fault.NOT_FOUND, "No guest with id " + id + ".");
    }

    static GuestException wrongState(String verb, String guestName, GuestState state) {
        return new GuestException(Fault.CONFLICT, "Cannot " + verb + " '" + guestName + "': it is "
                + state.name().toLowerCase(Locale.ROOT) + ".");
    }

    static GuestException nameTaken(String name) {
        return new GuestException(Fault.CONFLICT, "You already have a guest named '" + name + "'.");
    }
}
