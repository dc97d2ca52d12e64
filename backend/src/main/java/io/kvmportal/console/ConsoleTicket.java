package io.kvmportal.console;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * What opens a guest's console: the WebSocket path to connect to (with the token in it), good for one connection
 * until {@code expiresAt}. The connection also needs the signed-in session (or the bearer token) of the same user.
 */
@Serdeable
public record ConsoleTicket(long guestId, String token, Instant expiresAt, String path) {
}
