package io.kvmportal.quota;

import io.micronaut.serde.annotation.Serdeable;

/** What a user holds now, counted the same way as {@link QuotaLimits}. */
@Serdeable
public record QuotaUsage(int guests, int runningGuests, int vcpus, int memoryMib, int diskGib) {
}
