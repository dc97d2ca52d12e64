package io.kvmportal.agent;

/** What inspection found wrong with an image. */
public enum ImageRefusalReason {
    FORMAT_MISMATCH, UNKNOWN_FORMAT, BACKING_FILE, DATA_FILE, ENCRYPTED, TOO_LARGE, DAMAGED, INVALID,
    NOT_REGULAR_FILE, OUTSIDE_STORE
}
