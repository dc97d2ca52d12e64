package io.kvmportal.host.image;

/** An upload that went past the size its caller allowed: refused, and its partial file removed. */
public final class UploadTooLargeException extends RuntimeException {
    public UploadTooLargeException(String message) {
        super(message);
    }
}
