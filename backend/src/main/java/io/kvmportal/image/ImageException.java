package io.kvmportal.image;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;

/** A refused image operation. */
public class ImageException extends PortalException {

    ImageException(Fault fault, String message) {
        super(fault, message);
    }

    static ImageException notFound(long id) {
        return new ImageException(Fault.NOT_FOUND, "No image with id " + id + ".");
    }

    static ImageException withdrawn(Image image) {
        return new ImageException(Fault.CONFLICT, "The image '" + image.name() + "' was withdrawn; pick another.");
    }
}
