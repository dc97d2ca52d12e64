package io.kvmportal.host.guest;

/** What a guest's QEMU is doing, combining QMP's run state with what /proc says of the process. */
public enum RunState {
    /** No QEMU for this guest. */
    NOT_RUNNING,
    RUNNING,
    /** Paused over QMP ({@code stop}): vCPUs halted, QEMU answering. */
    PAUSED,
    /** SIGSTOPped: the whole process is frozen and answers no QMP; SIGCONT brings it back. */
    STOPPED_BY_SIGNAL,
    /** Alive but its QMP did not answer in time. */
    UNRESPONSIVE
}
