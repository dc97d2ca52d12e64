package io.kvmportal.api;

/** A request the API could not take as it came: a body or parameter of the wrong shape. Always 400. */
public final class BadRequest extends PortalException {
    public BadRequest(String message) {
        super(Fault.INVALID_INPUT, message);
    }
}
