package io.kvmportal.host.exec;

import java.util.List;

/** What a finished host program left: its argument list, exit code, and merged stdout and stderr. */
public record CommandResult(List<String> argv, int exitCode, String output) {
    public CommandResult {
        argv = List.copyOf(argv);
    }
}
