package io.kvmportal.api;

/** The kinds of refusal a portal operation can end with; each maps to one HTTP status in the API. */
public enum Fault {
    INVALID_INPUT(400),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    /** An upload over the configured size limit. */
    PAYLOAD_TOO_LARGE(413),
    TOO_MANY_REQUESTS(429),
    /** The host could not carry out what was asked; the message has its words. */
    HOST_FAILED(502),
    /** The portal is too busy for this now (a flood of sign-ins); the caller may try again later. */
    UNAVAILABLE(503);

    private final int httpStatus;

    Fault(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
