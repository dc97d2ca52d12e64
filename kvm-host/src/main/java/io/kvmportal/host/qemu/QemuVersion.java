package io.kvmportal.host.qemu;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kvmportal.host.exec.Command;

/**
 * The QEMU version on this host, from {@code qemu-system-x86_64 --version}.
 *
 * @param text the first line as QEMU printed it, with the distribution's package version
 */
public record QemuVersion(int major, int minor, int micro, String text) {
    private static final Pattern FIRST_LINE = Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    public static QemuVersion installed(String binary) {
        return parse(Command.runChecked(List.of(binary, "--version"), Duration.ofSeconds(10)));
    }

    /** Parses the output of {@code --version}; anything else is an IllegalArgumentException naming it. */
    public static QemuVersion parse(String output) {
        String first = output.strip().lines().findFirst().orElse("");
        Matcher m = FIRST_LINE.matcher(first);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a QEMU version line: \"" + first + "\"");
        }
        int micro = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), micro, first);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
