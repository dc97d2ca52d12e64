package io.kvmportal.agent;

import java.util.UUID;

/** Something that happened to a guest on a host, pushed by its agent as it happened. */
public sealed interface HostEvent {

    UUID guest();

    /** The guest's QEMU ended: powered off, killed or crashed. */
    record GuestEnded(UUID guest, GuestExit exit) implements HostEvent {
    }

    /** The guest's QEMU went into another run state (paused, resumed, stopped by a signal, unresponsive). */
    record RunStateChanged(UUID guest, RunState state) implements HostEvent {
    }
}
