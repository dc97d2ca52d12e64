package io.kvmportal.host.qemu;

/** The state letter of /proc/<pid>/stat, in words. */
public enum ProcessState {
    RUNNING('R'),
    SLEEPING('S'),
    DISK_SLEEP('D'),
    /** SIGSTOP (or a terminal stop): QEMU then answers no QMP at all, so calls time out. */
    STOPPED_BY_SIGNAL('T'),
    TRACING_STOP('t'),
    /** Exited, not yet reaped. Counts as gone: on this machine PID 1 reaps orphans about 2 s late. */
    ZOMBIE('Z'),
    DEAD('X'),
    IDLE('I'),
    UNKNOWN('?');

    private final char letter;

    ProcessState(char letter) {
        this.letter = letter;
    }

    public static ProcessState of(char letter) {
        for (ProcessState s : values()) {
            if (s.letter == letter) {
                return s;
            }
        }
        return UNKNOWN;
    }

    public boolean gone() {
        return this == ZOMBIE || this == DEAD;
    }
}
