package io.kvmportal.guest;

/** A guest with its owner's login: what the host needs to act on it (the owner's Linux account). */
public record OwnedGuest(Guest guest, String login) {
}
