package io.kvmportal.api;

import java.time.Duration;
import java.util.Optional;

/**
 * An expected refusal: bad input, a missing or foreign object, a wrong state. Its message is shown to the
 * user as it is, so it names the bad value and never leaks internals. Each feature has its own subclass.
 */
public abstract class PortalException extends RuntimeException {
    private final Fault fault;
    private final Duration retryAfter;

    protected PortalException(Fault fault, String message) {
        this(fault, message, null);
    }

    /** A refusal that ends by itself: the API answers it with {@code Retry-After}. */
    protected PortalException(Fault fault, String message, Duration retryAfter) {
        super(message);
        this.fault = fault;
        this.retryAfter = retryAfter;
    }

    public Fault fault() {
        return fault;
    }

    /** How long the caller should wait before asking again, when the refusal is a matter of time. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
