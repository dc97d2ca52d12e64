package io.kvmportal.host.kvm;

/** A libc call returned an error: carries errno, the call and its argument, as jnr-posix does. */
public final class NativeCallException extends RuntimeException {
    private final int errno;
    private final String call;
    private final String argument;

    NativeCallException(int errno, String errorText, String call, String argument) {
        super(call + "(" + argument + "): " + errorText + " (errno " + errno + ")");
        this.errno = errno;
        this.call = call;
        this.argument = argument;
    }

    public int errno() {
        return errno;
    }

    public String call() {
        return call;
    }

    public String argument() {
        return argument;
    }
}
