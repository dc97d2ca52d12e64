package io.kvmportal.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * A view-only link to a guest's console as its owner sees it. {@code path} (the page to send people to, with the
 * link's secret) is there only in the answer that created the link: the portal keeps just a hash of it.
 */
@Serdeable
public record SharedConsole(long id, long guestId, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt,
                            boolean active, int viewers, @Nullable String path) {
}
