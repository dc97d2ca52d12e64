package io.kvmportal.host.qemu;

import java.time.Duration;

/**
 * One process as the host sees it, from /proc: for a guest's QEMU, what the portal shows next to the
 * guest's own status (a SIGSTOPped QEMU answers no QMP, so only /proc can say "stopped by signal").
 *
 * @param cpuPercent  CPU time over wall time, 100 = one core busy; averaged since start, or over the
 *                    sampling interval when taken with {@link ProcessViews#sample}
 */
public record ProcessView(int pid, int uid, ProcessState state, double cpuPercent, long rssBytes, int threads,
        Duration uptime) {
}
