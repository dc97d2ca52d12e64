package io.kvmportal.agent;

/** How a guest's QEMU ended: clean (powered off) or not, with the reason in words. */
public record GuestExit(long pid, boolean clean, String reason) {
}
