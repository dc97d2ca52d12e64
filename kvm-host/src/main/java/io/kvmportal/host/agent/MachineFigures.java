package io.kvmportal.host.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine's memory and the agent's own resident memory, from /proc ("MemTotal:", "VmRSS:", in kB). */
final class MachineFigures {

    private MachineFigures() {
    }

    static long memoryMib() {
        return kilobytes(Path.of("/proc/meminfo"), "MemTotal:") / 1024;
    }

    static long agentRssBytes() {
        return kilobytes(Path.of("/proc/self/status"), "VmRSS:") * 1024;
    }

    /** The figure of the line that starts with {@code key}; 0 if there is none (a kernel without it). */
    static long kilobytes(Path file, String key) {
        try {
            return parse(Files.readAllLines(file), key);
        } catch (IOException e) {
            return 0;
        }
    }

    static long parse(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String[] fields = line.substring(key.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(fields[0]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
