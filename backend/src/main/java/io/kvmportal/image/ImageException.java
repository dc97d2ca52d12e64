package io.kvmportal.image;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused image operation. */
public class ImageException extends PortalException {
    private static final long MIB = 1L << 20;

    ImageException(Fault fault, String message) {
        super(fault, message);
    }

    static ImageException notFound(long id) {
        return new ImageException(Fault.NOT_FOUND, "No image with id " + id + ".");
    }

    static ImageException withdrawn(Image image) {
        return new ImageException(Fault.CONFLICT, "The image '" + image.name() + "' was withdrawn; pick another.");
    }

    static ImageException invalid(String message) {
        return new ImageException(Fault.INVALID_INPUT, message);
    }

    static ImageException forbidden(String message) {
        return new ImageException(Fault.FORBIDDEN, message);
    }

    static ImageException nameTaken(String name) {
        return new ImageException(Fault.CONFLICT, "An image named '" + name + "' is already published.");
    }

    /** {@code bytes}: as many as arrived before the limit was passed, or the size the file said it has. */
    static ImageException tooLarge(long bytes, long limit) {
        return new ImageException(Fault.PAYLOAD_TOO_LARGE, "The image file is larger than the limit of " + mib(limit)
                + " (at least " + bytes + " bytes); nothing was kept.");
    }

    /** The client went away, or the disk filled: nothing of the transfer is kept. */
    static ImageException interrupted(String what, long bytes, Exception cause) {
        return new ImageException(Fault.INVALID_INPUT, what + " ended after " + bytes + " bytes, before the whole"
                + " image arrived (" + cause.getMessage() + "); nothing was kept.");
    }

    private static String mib(long bytes) {
        return bytes < MIB ? bytes + " bytes" : (bytes / MIB) + " MiB";
    }
}
