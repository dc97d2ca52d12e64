package io.kvmportal.host.guest;

import java.util.UUID;

/** Told when a supervised guest's QEMU pauses or resumes (QMP's STOP and RESUME events), on its QMP event thread. */
@FunctionalInterface
public interface RunStateListener {
    void changed(UUID guest, RunState state);
}
