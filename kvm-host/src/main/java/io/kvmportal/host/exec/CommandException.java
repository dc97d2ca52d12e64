package io.kvmportal.host.exec;

import java.util.List;

/** A host program could not be run, timed out, or (for checked runs) exited non-zero. */
public final class CommandException extends RuntimeException {
    private final List<String> argv;

    public CommandException(List<String> argv, String problem, Throwable cause) {
        super(argv + ": " + problem, cause);
        this.argv = List.copyOf(argv);
    }

    public List<String> argv() {
        return argv;
    }
}
