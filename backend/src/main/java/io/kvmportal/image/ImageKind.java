package io.kvmportal.image;

/** How a guest boots from an image. */
public enum ImageKind {
    /** A bootable disk: the guest's disk is a copy-on-write overlay on it. */
    DISK,
    /** An installer: booted as a CD-ROM, the guest gets an empty disk to install onto. */
    ISO,
    /** A kernel and initrd booted directly, with an overlay on a data disk (the built-in demo image). */
    KERNEL
}
