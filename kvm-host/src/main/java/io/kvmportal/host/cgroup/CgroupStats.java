package io.kvmportal.host.cgroup;

/**
 * What a guest's cgroup has used.
 *
 * @param memoryBytes  memory charged now (page cache included, as the limit counts it)
 * @param cpuMicros    CPU time used since the cgroup was created
 * @param throttled    periods in which the guest hit its CPU quota
 */
public record CgroupStats(long memoryBytes, long cpuMicros, long throttled) {
}
