package io.kvmportal.quota;

import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user may hold at most: guests in all, running guests, vCPUs and memory of running guests, and disk of
 * all guests. Zero is a valid limit (nothing of that kind); negative and absurdly large values are refused.
 */
@Serdeable
public record QuotaLimits(int guests, int runningGuests, int vcpus, int memoryMib, int diskGib) {
    static final int MAX_COUNT = 10_000;
    static final int MAX_MEMORY_MIB = 16 * 1024 * 1024;
    static final int MAX_DISK_GIB = 1024 * 1024;

    /** Throws naming every value out of range at once. */
    public QuotaLimits validated() {
        List<String> problems = new ArrayList<>();
        check(problems, "guests", guests, MAX_COUNT);
        check(problems, "running guests", runningGuests, MAX_COUNT);
        check(problems, "vCPUs", vcpus, MAX_COUNT);
        check(problems, "memory (MiB)", memoryMib, MAX_MEMORY_MIB);
        check(problems, "disk (GiB)", diskGib, MAX_DISK_GIB);
        if (!problems.isEmpty()) {
            throw QuotaException.invalid("Quota limits out of range: " + String.join("; ", problems) + ".");
        }
        return this;
    }

    private static void check(List<String> problems, String name, int value, int max) {
        if (value < 0 || value > max) {
            problems.add(name + " " + value + " not within 0.." + max);
        }
    }
}
