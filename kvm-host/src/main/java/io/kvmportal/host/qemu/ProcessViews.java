package io.kvmportal.host.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads {@link ProcessView}s from /proc. CLK_TCK (100) and the page size (4096) are fixed by the x86-64
 * Linux ABI for user space, so they are constants rather than sysconf calls.
 */
public final class ProcessViews {
    static final int CLK_TCK = 100;
    static final long PAGE_SIZE = 4096;

    /** A pid's CPU time when last read by {@link #readRecent}, to tell how busy it was since. */
    private record Mark(long startTicks, long cpuTicks, long nanos, double cpuPercent) {
    }

    private static final long MIN_RECENT_NANOS = 1_000_000_000L;
    private final Path proc;
    private final Map<Integer, Mark> marks = new ConcurrentHashMap<>();

    public ProcessViews() {
        this(Path.of("/proc"));
    }

    ProcessViews(Path proc) {
        this.proc = proc;
    }

    /** The process now, CPU averaged since it started; empty once it is gone from /proc. */
    public Optional<ProcessView> read(int pid) {
        return readStat(pid).flatMap(stat -> {
            double uptimeSeconds = systemUptimeSeconds() - (double) stat.startTicks() / CLK_TCK;
            double cpu = uptimeSeconds > 0 ? 100.0 * stat.cpuTicks() / CLK_TCK / uptimeSeconds : 0;
            return view(stat, cpu, uptimeSeconds);
        });
    }

    /**
     * The process now, CPU over the time since the previous call for this pid, as {@code top} shows it: a page that
     * refreshes every few seconds gets "CPU lately" without waiting. Calls less than a second apart repeat the last
     * figure (a few ticks over a few milliseconds say nothing); the first call averages since the process started.
     */
    public Optional<ProcessView> readRecent(int pid) {
        return readStat(pid).flatMap(stat -> {
            long now = System.nanoTime();
            double uptimeSeconds = systemUptimeSeconds() - (double) stat.startTicks() / CLK_TCK;
            Mark previous = marks.get(pid);
            double cpu;
            if (previous == null || previous.startTicks() != stat.startTicks()) {
                cpu = uptimeSeconds > 0 ? 100.0 * stat.cpuTicks() / CLK_TCK / uptimeSeconds : 0;
            } else if (now - previous.nanos() < MIN_RECENT_NANOS) {
                return view(stat, previous.cpuPercent(), uptimeSeconds);
            } else {
                cpu = 100.0 * (stat.cpuTicks() - previous.cpuTicks()) / CLK_TCK / ((now - previous.nanos()) / 1e9);
            }
            marks.put(pid, new Mark(stat.startTicks(), stat.cpuTicks(), now, cpu));
            return view(stat, cpu, uptimeSeconds);
        });
    }

    /** The process after {@code interval}, CPU over that interval: what "CPU now" means in a list. */
    public Optional<ProcessView> sample(int pid, Duration interval) throws InterruptedException {
        Optional<ProcStat> before = readStat(pid);
        long start = System.nanoTime();
        Thread.sleep(interval.toMillis());
        Optional<ProcStat> after = readStat(pid);
        if (before.isEmpty() || after.isEmpty() || after.get().startTicks() != before.get().startTicks()) {
            return Optional.empty(); // gone, or the pid now belongs to another process
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = 100.0 * (after.get().cpuTicks() - before.get().cpuTicks()) / CLK_TCK / seconds;
        double uptimeSeconds = systemUptimeSeconds() - (double) after.get().startTicks() / CLK_TCK;
        return view(after.get(), cpu, uptimeSeconds);
    }

    private Optional<ProcessView> view(ProcStat stat, double cpu, double uptimeSeconds) {
        return realUid(stat.pid()).map(uid -> new ProcessView(stat.pid(), uid, ProcessState.of(stat.state()), cpu,
                stat.rssPages() * PAGE_SIZE, stat.threads(), Duration.ofMillis(Math.round(Math.max(0, uptimeSeconds) * 1000))));
    }

    private Optional<ProcStat> readStat(int pid) {
        return readOrEmpty(proc.resolve(Integer.toString(pid)).resolve("stat")).map(ProcStat::parse);
    }

    /** The real uid from status ("Uid: real effective saved fs"): the account QEMU was started as. */
    private Optional<Integer> realUid(int pid) {
        return readOrEmpty(proc.resolve(Integer.toString(pid)).resolve("status")).flatMap(status -> status.lines()
                .filter(l -> l.startsWith("Uid:")).findFirst()
                .map(l -> Integer.parseInt(l.substring(4).trim().split("\\s+")[0])));
    }

    private double systemUptimeSeconds() {
        String uptime = readOrEmpty(proc.resolve("uptime")).orElseThrow(() -> new IllegalStateException("no " + proc + "/uptime"));
        return Double.parseDouble(uptime.trim().split("\\s+")[0]);
    }

    /** A vanished /proc entry means the process is gone; that is an answer, not an error. */
    private static Optional<String> readOrEmpty(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if ("No such process".equals(e.getMessage()) || e.getMessage() != null && e.getMessage().contains("ESRCH")) {
                return Optional.empty();
            }
            throw new UncheckedIOException(e);
        }
    }
}
