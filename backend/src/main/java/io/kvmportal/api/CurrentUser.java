package io.kvmportal.api;

/**
 * Where the web shell leaves the {@link Actor} of an API request. The shell's filter resolves the session or
 * bearer token before any controller runs and answers 401 itself when there is neither, so every controller
 * below {@code /api/v1} (but sign-in and health) can take the actor as a request attribute.
 */
public final class CurrentUser {
    public static final String ATTRIBUTE = "io.kvmportal.actor";

    private CurrentUser() {
    }
}
