package io.kvmportal.agent;

/** Why a host agent refused a call. */
public enum RefusalKind {
    /** A value the agent does not accept: an id, a name, a size, a login. */
    INVALID,
    /** No such guest, image or staged upload. */
    NOT_FOUND,
    NOT_RUNNING,
    ALREADY_RUNNING,
    START_FAILED,
    /** QEMU refused or failed a command. */
    COMMAND_FAILED,
    /** An image failed inspection; {@link HostRefusedException#imageReason()} says why. */
    IMAGE_REFUSED,
    ACCOUNT_REFUSED,
    ACCELERATOR_UNAVAILABLE,
    /** A staged upload over its limit. */
    TOO_LARGE,
    PROTOCOL_MISMATCH,
    /** The caller's uid is not the portal's. */
    CALLER_REFUSED,
    /** The agent failed on its side (an I/O error, a bug); its words say what. */
    FAILED
}
