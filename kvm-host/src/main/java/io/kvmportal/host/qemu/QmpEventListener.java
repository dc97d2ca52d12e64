package io.kvmportal.host.qemu;

/** Receives every QMP event of a connection, in order, on that connection's event thread. */
@FunctionalInterface
public interface QmpEventListener {
    void onEvent(QmpEvent event);
}
