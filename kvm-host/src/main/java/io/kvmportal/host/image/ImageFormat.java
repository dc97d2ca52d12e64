package io.kvmportal.host.image;

import java.util.Locale;

/**
 * The formats kvm-portal accepts, each with the name qemu is told: an ISO is a raw image to QEMU and
 * qemu-img, told apart only by kvm-portal's own check of its volume descriptor.
 */
public enum ImageFormat {
    QCOW2("qcow2", "qcow2"),
    RAW("raw", "raw"),
    ISO("raw", "iso");

    private final String qemuName;
    private final String extension;

    ImageFormat(String qemuName, String extension) {
        this.qemuName = qemuName;
        this.extension = extension;
    }

    /** The value of qemu-img's and QEMU's {@code -f}/{@code driver=}. */
    public String qemuName() {
        return qemuName;
    }

    /** The file name extension in the store. */
    public String extension() {
        return extension;
    }

    /** A format named by a person or another process; anything else is refused as UNKNOWN_FORMAT. */
    public static ImageFormat parse(String name) {
        for (ImageFormat format : values()) {
            if (format.extension.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new ImageRefusedException(ImageRefusedException.Reason.UNKNOWN_FORMAT,
                "format \"" + name + "\" is not one of qcow2, raw, iso");
    }
}
