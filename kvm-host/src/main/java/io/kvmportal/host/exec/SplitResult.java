package io.kvmportal.host.exec;

import java.util.List;

/** What a finished host program left, stdout and stderr apart (see {@link Command#runSplit}). */
public record SplitResult(List<String> argv, int exitCode, String stdout, String stderr) {
    public SplitResult {
        argv = List.copyOf(argv);
    }
}
