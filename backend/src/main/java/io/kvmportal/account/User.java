package io.kvmportal.account;

import java.time.Instant;

/** A portal account as stored. The password hash never leaves the backend: views and the API get {@link UserView}. */
public record User(long id, String login, String displayName, String passwordHash, Role role, boolean enabled,
                   Instant createdAt, Instant updatedAt) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public UserView view() {
        return new UserView(id, login, displayName, role, enabled, createdAt, updatedAt);
    }
}
