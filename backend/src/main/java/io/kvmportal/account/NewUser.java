package io.kvmportal.account;

import io.micronaut.serde.annotation.Serdeable;

/** What an admin gives to create an account. */
@Serdeable
public record NewUser(String login, String displayName, String password, Role role) {
}
