package io.kvmportal.auth;

import io.micronaut.serde.annotation.Serdeable;

/** The body of {@code POST /api/v1/auth/token}. */
@Serdeable
public record Credentials(String login, String password) {
}
