package io.kvmportal.host.cgroup;

import java.util.Objects;

/**
 * A guest's cgroup and its limits as the kernel holds them (read back, so the memory limit is rounded
 * down to whole pages).
 *
 * @param cpuQuotaMicros CPU time the guest may use per period; 2 x period is two host CPUs' worth
 */
public record GuestCgroup(String guestId, CgroupVersion version, long memoryLimitBytes, long cpuQuotaMicros,
        long cpuPeriodMicros) {
    public GuestCgroup {
        GuestCgroups.checkName("guest id", guestId);
        Objects.requireNonNull(version, "version");
    }
}
