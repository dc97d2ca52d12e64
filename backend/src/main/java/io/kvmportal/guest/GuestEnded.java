package io.kvmportal.guest;

import java.util.UUID;

/** The host saw a guest's QEMU end; {@code clean} is false for a kill or crash, and {@code reason} says how. */
public record GuestEnded(UUID uuid, boolean clean, String reason) {
}
