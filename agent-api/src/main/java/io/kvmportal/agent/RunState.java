package io.kvmportal.agent;

/** A guest's QEMU as its agent sees it. */
public enum RunState {
    NOT_RUNNING, RUNNING, PAUSED, STOPPED_BY_SIGNAL, UNRESPONSIVE
}
