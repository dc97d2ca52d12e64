package io.kvmportal.image;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A published (or withdrawn) image that guests start from. */
@Serdeable
public record Image(long id, String name, String description, String os, ImageKind kind, String format,
                    long virtualBytes, int minMemoryMib, int minDiskGib, Instant publishedAt,
                    @Nullable Instant withdrawnAt) {

    public boolean published() {
        return withdrawnAt == null;
    }
}
