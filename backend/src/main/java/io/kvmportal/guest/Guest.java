package io.kvmportal.guest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** A guest as the portal records it. */
@Serdeable
public record Guest(long id, String uuid, long ownerId, String name, @Nullable Long imageId, int vcpus,
                    int memoryMib, int diskGib, GuestState state, @Nullable String lastError, Instant createdAt,
                    Instant updatedAt) {
}
