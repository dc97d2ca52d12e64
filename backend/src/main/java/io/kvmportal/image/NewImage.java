package io.kvmportal.image;

import io.kvmportal.text.VisibleText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an admin says about an image to publish: its name, description, OS, the format the file claims to be,
 * and the least memory and disk a guest from it needs. Validation names every problem with the value given.
 */
@Serdeable
public record NewImage(String name, @Nullable String description, String os, String format, int minMemoryMib,
                       int minDiskGib) {
    public static final String NAME_RULE = "1-64 characters: letters, digits, spaces and . , : _ ( ) + / -,"
            + " starting with a letter or digit";
    public static final int MAX_DESCRIPTION = 500;
    public static final int MIN_MEMORY_MIB = 64;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;
    public static final int MAX_DISK_GIB = 16 * 1024;
    /** Names and OS are shown to every user: a small alphabet keeps them readable and harmless anywhere. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} .,:_()+/-]{0,63}");

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && name.equals(name.strip());
    }

    /** The description to store: none is an empty one. */
    public String descriptionText() {
        return description == null ? "" : description.strip();
    }

    /** Throws listing every value out of range, each with the value given. */
    public NewImage validated() {
        List<String> problems = new ArrayList<>();
        if (!isValidName(name)) {
            problems.add("name '" + printable(name) + "' is not valid" + invisible(name) + " (" + NAME_RULE + ")");
        }
        if (!isValidName(os)) {
            problems.add("OS '" + printable(os) + "' is not valid" + invisible(os) + " (the same rule as the name)");
        }
        if (descriptionText().length() > MAX_DESCRIPTION) {
            problems.add("description has " + descriptionText().length() + " characters, more than " + MAX_DESCRIPTION);
        } else {
            VisibleText.problem(descriptionText(), true).ifPresent(problem -> problems.add("description: " + problem
                    + " is not allowed (" + VisibleText.RULE + ")"));
        }
        if (format == null || !List.of("qcow2", "raw", "iso").contains(format)) {
            problems.add("format '" + printable(format) + "' is not one of qcow2, raw, iso");
        }
        if (minMemoryMib < MIN_MEMORY_MIB || minMemoryMib > MAX_MEMORY_MIB) {
            problems.add("minimum memory " + minMemoryMib + " MiB not within " + MIN_MEMORY_MIB + ".." + MAX_MEMORY_MIB);
        }
        if (minDiskGib < 1 || minDiskGib > MAX_DISK_GIB) {
            problems.add("minimum disk " + minDiskGib + " GiB not within 1.." + MAX_DISK_GIB);
        }
        if (!problems.isEmpty()) {
            throw ImageException.invalid("Cannot publish the image: " + String.join("; ", problems) + ".");
        }
        return this;
    }

    /** An ISO is an installer booted as a CD-ROM; qcow2 and raw images are bootable disks. */
    public ImageKind kind() {
        return "iso".equals(format) ? ImageKind.ISO : ImageKind.DISK;
    }

    private static String printable(String value) {
        return VisibleText.printable(value);
    }

    /** Names the character that does not show, if that is what is wrong with a name. */
    private static String invisible(String value) {
        return VisibleText.problem(value).map(problem -> ": " + problem + " is not allowed").orElse("");
    }
}
