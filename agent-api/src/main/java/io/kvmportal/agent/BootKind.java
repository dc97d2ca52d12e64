package io.kvmportal.agent;

/** What a guest boots: its disk, an ISO of the store (with its disk beside it), or the kernel kept beside an image. */
public enum BootKind {
    DISK, CDROM, KERNEL
}
