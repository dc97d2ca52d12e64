package io.kvmportal.host.kvm;

/** Signals by pid through kill(2): no kill(1) child per signal, and errno comes back typed. */
public final class Processes {
    private Processes() {
    }

    /**
     * Sends {@code signal} to {@code pid}. Returns false if no such process exists (ESRCH); any other
     * failure (EPERM, EINVAL) is a {@link NativeCallException}. Refuses pids below 2: 0 and -1 would
     * signal whole groups or every process, and 1 is init.
     */
    public static boolean signal(int pid, Signal signal) {
        if (pid < 2) {
            throw new IllegalArgumentException("pid " + pid + " is not a single guest process");
        }
        try {
            Posix.kill(pid, signal.number());
            return true;
        } catch (NativeCallException e) {
            if (e.errno() == Posix.ESRCH) {
                return false;
            }
            throw e;
        }
    }
}
