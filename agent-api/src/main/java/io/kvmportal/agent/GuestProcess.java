package io.kvmportal.agent;

import java.time.Duration;

/**
 * A guest's QEMU process as {@code top} shows it: pid, the account it runs as, its /proc state's name (RUNNING,
 * SLEEPING, STOPPED_BY_SIGNAL, ...), CPU share, resident memory, threads and age.
 */
public record GuestProcess(long pid, int uid, String account, String state, double cpuPercent, long rssBytes,
                           int threads, Duration uptime) {
}
