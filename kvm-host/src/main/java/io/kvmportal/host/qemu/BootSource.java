package io.kvmportal.host.qemu;

import java.nio.file.Path;

/** What a guest boots from. Values are checked by {@link GuestSpec}, which reports every problem at once. */
public sealed interface BootSource {

    /** Boot the guest's own disk (its overlay over a base image). */
    record FromDisk() implements BootSource {
    }

    /** Boot an installer ISO as a read-only CD-ROM, with the guest's (empty) disk to install onto. */
    record FromIso(Path iso) implements BootSource {
    }

    /** Direct kernel boot, for the test guest: no firmware boot menu, console on the kernel line. */
    record FromKernel(Path kernel, Path initrd, String append) implements BootSource {
    }
}
