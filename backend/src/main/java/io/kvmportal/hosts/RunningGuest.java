package io.kvmportal.hosts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One guest that holds a QEMU process on this host, as {@code top} shows it with the owner beside it. The process
 * figures are empty when the portal counts the guest as running but no process answers (it is being started, or
 * just ended).
 */
@Serdeable
public record RunningGuest(long guestId, String guestName, String owner, String linuxAccount, String state,
                           int vcpus, int memoryMib, @Nullable Integer pid, @Nullable String processState,
                           @Nullable Double cpuPercent, @Nullable Long rssBytes, @Nullable Integer threads,
                           @Nullable Long uptimeSeconds) {
}
