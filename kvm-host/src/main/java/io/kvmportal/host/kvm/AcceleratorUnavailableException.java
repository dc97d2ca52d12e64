package io.kvmportal.host.kvm;

/** KVM was asked for explicitly, but this host (or account) cannot run stock guests with it. */
public final class AcceleratorUnavailableException extends RuntimeException {
    public AcceleratorUnavailableException(String message) {
        super(message);
    }
}
