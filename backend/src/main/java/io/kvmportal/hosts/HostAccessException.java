package io.kvmportal.hosts;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused host operation. */
public class HostAccessException extends PortalException {

    HostAccessException(String message) {
        super(Fault.FORBIDDEN, message);
    }
}
