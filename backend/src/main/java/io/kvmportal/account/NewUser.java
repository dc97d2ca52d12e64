package io.kvmportal.account;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** What an admin gives to create an account; without a display name it is the login, without a role USER. */
@Serdeable
public record NewUser(String login, @Nullable String displayName, String password, @Nullable Role role) {
}
