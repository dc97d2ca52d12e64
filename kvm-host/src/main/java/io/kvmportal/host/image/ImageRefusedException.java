package io.kvmportal.host.image;

import java.util.Objects;

/** An image kvm-portal will not use. The reason is for programs, the message (naming the value) for people. */
public final class ImageRefusedException extends RuntimeException {
    /** Why an image was refused. */
    public enum Reason {
        /** Not a file of the image store: its real path is outside it, or the store has no such file of its own. */
        OUTSIDE_STORE,
        /** A symlink, directory, device, or a file with more than one hard link. */
        NOT_REGULAR_FILE,
        /** Its content is not the format it was claimed to be. */
        FORMAT_MISMATCH,
        /** A format kvm-portal does not accept. */
        UNKNOWN_FORMAT,
        /** A qcow2 that refers to a backing file. */
        BACKING_FILE,
        /** A qcow2 whose data lives in an external file. */
        DATA_FILE,
        /** Encrypted: QEMU would need a secret kvm-portal does not have. */
        ENCRYPTED,
        /** Its virtual size is above the allowed limit. */
        TOO_LARGE,
        /** A qcow2 that qemu-img check finds damaged: cut short, or with tables that point astray. */
        DAMAGED,
        /** Empty, unreadable as its format, or qemu-img could not read it within its limits. */
        INVALID
    }

    private final Reason reason;

    public ImageRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
