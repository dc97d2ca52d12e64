package io.kvmportal.guest;

import io.kvmportal.text.VisibleText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A request for a guest: a name, the image it starts from, and its size. Validation names every problem. */
@Serdeable
public record NewGuest(String name, @Nullable Long imageId, int vcpus, int memoryMib, int diskGib) {
    public static final String NAME_RULE = "1-63 characters: letters, digits, '.', '_' or '-', starting with a"
            + " letter or digit";
    public static final int MAX_VCPUS = 64;
    public static final int MIN_MEMORY_MIB = 64;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;
    public static final int MAX_DISK_GIB = 16 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Why this name is refused, naming an invisible character by its code; empty for a valid name. */
    public static Optional<String> nameRefusal(String name) {
        if (isValidName(name)) {
            return Optional.empty();
        }
        String why = VisibleText.problem(name).map(problem -> ": " + problem + " is not allowed").orElse("");
        return Optional.of("name '" + VisibleText.printable(name) + "' is not valid" + why + " (" + NAME_RULE + ")");
    }

    /** Throws listing every value out of range, each with the value given. */
    public NewGuest validated() {
        List<String> problems = new ArrayList<>();
        nameRefusal(name).ifPresent(problems::add);
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            problems.add("vCPUs " + vcpus + " not within 1.." + MAX_VCPUS);
        }
        if (memoryMib < MIN_MEMORY_MIB || memoryMib > MAX_MEMORY_MIB) {
            problems.add("memory " + memoryMib + " MiB not within " + MIN_MEMORY_MIB + ".." + MAX_MEMORY_MIB);
        }
        if (diskGib < 1 || diskGib > MAX_DISK_GIB) {
            problems.add("disk " + diskGib + " GiB not within 1.." + MAX_DISK_GIB);
        }
        if (!problems.isEmpty()) {
            throw GuestException.invalid("Cannot create the guest: " + String.join("; ", problems) + ".");
        }
        return this;
    }
}
