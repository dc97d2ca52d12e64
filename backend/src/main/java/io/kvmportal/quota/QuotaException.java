package io.kvmportal.quota;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused quota operation, or a request that would exceed a limit. */
public class QuotaException extends PortalException {

    QuotaException(Fault fault, String message) {
        super(fault, message);
    }

    static QuotaException invalid(String message) {
        return new QuotaException(Fault.INVALID_INPUT, message);
    }

    static QuotaException exceeded(String what, long used, long adding, long limit) {
        return new QuotaException(Fault.CONFLICT, "Over quota: " + what + " " + used + " in use + " + adding
                + " requested exceeds the limit of " + limit + ". Ask an admin to raise it.");
    }
}
