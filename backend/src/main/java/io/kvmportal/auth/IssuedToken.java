package io.kvmportal.auth;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A new API token: the only time its text is shown. */
@Serdeable
public record IssuedToken(String token, String tokenType, Instant expiresAt) {
}
