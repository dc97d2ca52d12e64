package io.kvmportal.image;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A published (or withdrawn) image that guests start from; a withdrawn one's file goes when its last guest does. */
@Serdeable
public record Image(long id, String name, String description, String os, ImageKind kind, String format,
                    long virtualBytes, int minMemoryMib, int minDiskGib, Instant publishedAt,
                    @Nullable Instant withdrawnAt, @Nullable Instant fileRemovedAt) {

    public boolean published() {
        return withdrawnAt == null;
    }

    /** Whether the image's file (and boot files) have been deleted from the host's store. */
    public boolean fileRemoved() {
        return fileRemovedAt != null;
    }
}
