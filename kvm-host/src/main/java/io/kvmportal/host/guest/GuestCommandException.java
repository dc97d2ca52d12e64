package io.kvmportal.host.guest;

/** A lifecycle command that could not be carried out; the message says why in words a user can act on. */
public class GuestCommandException extends RuntimeException {
    private final Kind kind;

    /** Why, for callers that answer each case differently (wrong state is a conflict, the rest a failure). */
    public enum Kind {
        /** The guest is another account's: to this login, as if it did not exist. */
        NOT_FOUND,
        NOT_RUNNING,
        ALREADY_RUNNING,
        START_FAILED,
        QEMU_FAILED
    }

    public GuestCommandException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public GuestCommandException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
