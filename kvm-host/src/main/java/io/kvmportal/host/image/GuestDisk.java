package io.kvmportal.host.image;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A guest's own qcow2 disk, owned by the guest's account, mode 0600.
 *
 * @param baseImageId the base image under the overlay, or empty for a blank disk (an ISO install)
 */
public record GuestDisk(Path path, long virtualSize, Optional<String> baseImageId) {
    public GuestDisk {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(baseImageId, "baseImageId");
        if (virtualSize <= 0) {
            throw new IllegalArgumentException("disk " + path + ": virtual size " + virtualSize);
        }
    }
}
