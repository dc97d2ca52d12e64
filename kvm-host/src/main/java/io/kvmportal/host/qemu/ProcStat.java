package io.kvmportal.host.qemu;

/**
 * The fields kvm-host uses from one line of /proc/<pid>/stat (proc(5), fields counted from 1):
 * state 3, utime 14, stime 15, num_threads 20, starttime 22, rss 24. Times are in clock ticks, rss in pages.
 */
record ProcStat(int pid, String comm, char state, long utimeTicks, long stimeTicks, int threads, long startTicks,
        long rssPages) {

    /**
     * The command name (field 2) is in parentheses and may itself hold spaces and ')': a process picks
     * its own name, so split after the LAST ')' rather than on spaces from the start.
     */
    static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: \"" + line + "\"");
        }
        String[] rest = line.substring(close + 2).trim().split(" ");
        if (rest.length < 22) {
            throw new IllegalArgumentException("only " + (rest.length + 2) + " fields in /proc/<pid>/stat: \"" + line + "\"");
        }
        // rest[0] is field 3, so field n is rest[n - 3].
        return new ProcStat(Integer.parseInt(line.substring(0, open).trim()), line.substring(open + 1, close),
                rest[0].charAt(0), Long.parseLong(rest[11]), Long.parseLong(rest[12]), Integer.parseInt(rest[17]),
                Long.parseLong(rest[19]), Long.parseLong(rest[21]));
    }

    long cpuTicks() {
        return utimeTicks + stimeTicks;
    }
}
