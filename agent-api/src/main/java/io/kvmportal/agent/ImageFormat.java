package io.kvmportal.agent;

/** An image file's format. */
public enum ImageFormat {
    QCOW2, RAW, ISO
}
