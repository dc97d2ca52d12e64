/**
 * Per-guest cgroups: a memory limit and a CPU quota for each guest's QEMU, behind one class,
 * {@link io.kvmportal.host.cgroup.GuestCgroups}, whether the host uses cgroup v1 (one hierarchy per
 * controller, as on this machine's hybrid layout without systemd) or the unified v2 hierarchy.
 * Results are plain records ({@link io.kvmportal.host.cgroup.GuestCgroup},
 * {@link io.kvmportal.host.cgroup.CgroupStats}) to cross a process boundary later.
 */
package io.kvmportal.host.cgroup;
