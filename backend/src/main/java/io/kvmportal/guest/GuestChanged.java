package io.kvmportal.guest;

/** A guest of {@code ownerId} was created, moved to another state, renamed or deleted (committed). */
public record GuestChanged(long ownerId, long guestId) {
}
