package io.kvmportal.guest;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A guest with the host's view of its QEMU process, as {@code top} would show it: empty figures when it is not
 * running. {@code processState} says "stopped by signal" when the process was SIGSTOPped.
 */
@Serdeable
public record GuestView(Guest guest, @Nullable String imageName, String linuxAccount, @Nullable Integer pid,
                        @Nullable String processState, @Nullable Double cpuPercent, @Nullable Long rssBytes,
                        @Nullable Integer threads, @Nullable Long uptimeSeconds) {
}
