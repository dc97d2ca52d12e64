package io.kvmportal.quota;

import io.micronaut.serde.annotation.Serdeable;

/** A user's limits next to their use; {@code custom} says whether an admin set them or they are the defaults. */
@Serdeable
public record QuotaView(long userId, QuotaLimits limits, QuotaUsage usage, boolean custom) {
}
