package io.kvmportal.api;

/**
 * An expected refusal: bad input, a missing or foreign object, a wrong state. Its message is shown to the
 * user as it is, so it names the bad value and never leaks internals. Each feature has its own subclass.
 */
public abstract class PortalException extends RuntimeException {
    private final Fault fault;

    protected PortalException(Fault fault, String message) {
        super(message);
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }
}
