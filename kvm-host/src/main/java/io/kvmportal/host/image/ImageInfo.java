package io.kvmportal.host.image;

import java.util.Objects;

/**
 * What inspection found in an accepted image.
 *
 * @param virtualSize the size the guest sees, in bytes
 * @param fileSize    the bytes the file takes on the host
 */
public record ImageInfo(ImageFormat format, long virtualSize, long fileSize) {
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        if (virtualSize <= 0 || fileSize < 0) {
            throw new IllegalArgumentException("virtual size " + virtualSize + ", file size " + fileSize);
        }
    }
}
