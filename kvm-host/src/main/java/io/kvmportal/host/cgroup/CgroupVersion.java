package io.kvmportal.host.cgroup;

/** Which cgroup interface the memory and cpu controllers are used through. */
public enum CgroupVersion {
    /** One hierarchy per controller (memory/, cpu/, cpuacct/), as on this machine's hybrid layout. */
    V1,
    /** The unified hierarchy (memory.max, cpu.max), as on a current systemd host. */
    V2
}
