package io.kvmportal.host.qemu;

/** No QEMU of this guest is running: no pid file, or its pid is gone or belongs to another process. */
public final class GuestNotRunningException extends RuntimeException {
    public GuestNotRunningException(String message) {
        super(message);
    }
}
