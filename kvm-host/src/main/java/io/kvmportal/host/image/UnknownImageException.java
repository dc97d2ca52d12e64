package io.kvmportal.host.image;

/** No image (or staged upload) of that id in the store: the id was well formed, but the store never gave it. */
public final class UnknownImageException extends RuntimeException {
    public UnknownImageException(String message) {
        super(message);
    }
}
