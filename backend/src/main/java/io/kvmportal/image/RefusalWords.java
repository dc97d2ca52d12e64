package io.kvmportal.image;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageRefusalReason;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host agent's refusal of an image, in words for the admin: what is wrong and what to do, then the inspector's
 * own finding with the name the admin knows the file by (not the staging id the agent gave it).
 */
final class RefusalWords {
    private static final String STAGED_NAME_AROUND = "[^\\s:'\"(),]*";

    private RefusalWords() {
    }

    static String of(HostRefusedException refused, String stagingId, String shownName, String format) {
        // The agent may name the staged file by its path, its name or its id: each becomes the admin's name.
        String detail = String.valueOf(refused.getMessage())
                .replaceAll(STAGED_NAME_AROUND + Pattern.quote(stagingId) + STAGED_NAME_AROUND,
                        Matcher.quoteReplacement(shownName));
        return "Refused '" + shownName + "': " + words(refused.imageReason().orElse(ImageRefusalReason.INVALID), format)
                + ". kvm-host found: " + detail;
    }

    private static String words(ImageRefusalReason reason, String format) {
        return switch (reason) {
            case FORMAT_MISMATCH -> "it is not " + named(format);
            case UNKNOWN_FORMAT -> "the format must be qcow2, raw or iso";
            case BACKING_FILE -> "it refers to a backing file, which could make QEMU read other files of the host;"
                    + " publish a self-contained image (qemu-img convert -O qcow2)";
            case DATA_FILE -> "it keeps its data in an external file; publish a self-contained image";
            case ENCRYPTED -> "it is encrypted, and the portal has no key for it";
            case TOO_LARGE -> "the disk it describes is larger than the portal allows";
            case DAMAGED -> "it is damaged (cut short, or its tables point astray); upload or copy it again whole";
            case INVALID -> "it cannot be read as " + named(format);
            case NOT_REGULAR_FILE, OUTSIDE_STORE -> "the portal could not inspect the file it received";
        };
    }

    private static String named(String format) {
        return switch (format) {
            case "iso" -> "an ISO image";
            case "raw" -> "a raw disk image";
            default -> "a " + format + " image";
        };
    }
}
