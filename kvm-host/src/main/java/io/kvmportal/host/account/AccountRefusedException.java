package io.kvmportal.host.account;

/** A login, account name or account that kvm-portal will not run guests as. The message names the value. */
public final class AccountRefusedException extends RuntimeException {
    public AccountRefusedException(String message) {
        super(message);
    }
}
