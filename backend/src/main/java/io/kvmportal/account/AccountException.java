package io.kvmportal.account;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused account operation; the message is meant for the person who asked. */
public class AccountException extends PortalException {

    public AccountException(Fault fault, String message) {
        super(fault, message);
    }

    static AccountException invalid(String message) {
        return new AccountException(Fault.INVALID_INPUT, message);
    }

    static AccountException notFound(long id) {
        return new AccountException(Fault.NOT_FOUND, "No user with id " + id + ".");
    }

    static AccountException conflict(String message) {
        return new AccountException(Fault.CONFLICT, message);
    }
}
