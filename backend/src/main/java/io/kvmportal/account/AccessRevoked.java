package io.kvmportal.account;

/**
 * A user lost access to the portal: disabled or deleted. Published inside the transaction that does it; what
 * the user still holds open (consoles) listens after the commit and ends it at once, not at the next request.
 */
public record AccessRevoked(long userId, String login, boolean deleted) {
}
