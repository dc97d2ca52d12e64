package io.kvmportal.host.qemu;

import java.util.List;

/** A guest spec broke one or more rules; the message lists all of them, each naming the bad value. */
public final class InvalidGuestSpecException extends IllegalArgumentException {
    private final List<String> problems;

    InvalidGuestSpecException(List<String> problems) {
        super("invalid guest spec: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
