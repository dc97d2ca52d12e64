package io.kvmportal.quota;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Some of a user's limits to change ({@code PATCH}); a limit left out (null) keeps its value. */
@Serdeable
public record QuotaChange(@Nullable Integer guests, @Nullable Integer runningGuests, @Nullable Integer vcpus,
                          @Nullable Integer memoryMib, @Nullable Integer diskGib) {

    /** The limits after this change; a change of nothing is refused, as a sign of a misspelt call. */
    QuotaLimits applyTo(QuotaLimits current) {
        if (guests == null && runningGuests == null && vcpus == null && memoryMib == null && diskGib == null) {
            throw QuotaException.invalid("Nothing to change: give one or more of guests, runningGuests, vcpus,"
                    + " memoryMib, diskGib.");
        }
        return new QuotaLimits(or(guests, current.guests()), or(runningGuests, current.runningGuests()),
                or(vcpus, current.vcpus()), or(memoryMib, current.memoryMib()), or(diskGib, current.diskGib()));
    }

    private static int or(Integer given, int current) {
        return given == null ? current : given;
    }
}
