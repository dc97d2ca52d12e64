package io.kvmportal.host.cgroup;

/** A cgroup could not be created, configured, joined, read or removed; the message names the file. */
public final class CgroupException extends RuntimeException {
    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
