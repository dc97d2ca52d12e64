package io.kvmportal.account;

import io.kvmportal.api.Actor;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A portal account as the UI and the API show it. */
@Serdeable
public record UserView(long id, String login, String displayName, Role role, boolean enabled,
                       Instant createdAt, Instant updatedAt) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** This account as the one asking for something. */
    public Actor actor() {
        return new Actor(id, login, isAdmin());
    }
}
