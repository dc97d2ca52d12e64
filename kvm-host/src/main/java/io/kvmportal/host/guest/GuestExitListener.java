package io.kvmportal.host.guest;

import io.kvmportal.host.qemu.GuestExit;
import java.util.UUID;

/** Told once when a supervised guest's QEMU has ended, however it ended. */
@FunctionalInterface
public interface GuestExitListener {
    void exited(UUID guest, GuestExit exit);
}
