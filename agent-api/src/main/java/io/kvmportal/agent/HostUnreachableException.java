package io.kvmportal.agent;

/** The host agent could not be reached, or did not answer within the call's deadline. */
public class HostUnreachableException extends RuntimeException {

    public HostUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
