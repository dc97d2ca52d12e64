package io.kvmportal.host.qemu;

/**
 * How a guest's QEMU ended.
 *
 * @param clean   QEMU announced a SHUTDOWN event before its QMP stream ended; false means it was
 *                killed or crashed
 * @param reason  QEMU's shutdown reason ("guest-shutdown", "host-signal", ...) or why it counts as a crash
 */
public record GuestExit(int pid, boolean clean, String reason) {
}
