package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.micronaut.core.annotation.Nullable;

/**
 * What the web shell learnt from a console's WebSocket handshake: the guest in the path, the token in the query,
 * the signed-in user (by session or bearer token; null if neither), and whether a browser page of this portal
 * asked (its Origin), since a session cookie rides along on any site's WebSocket.
 */
public record ConsoleRequest(long guestId, @Nullable String token, @Nullable Actor actor, boolean fromPortalPage) {
}
