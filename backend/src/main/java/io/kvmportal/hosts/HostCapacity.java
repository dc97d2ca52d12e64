package io.kvmportal.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's size as Linux reports it. */
final class HostCapacity {

    private HostCapacity() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** MemTotal of /proc/meminfo, in MiB; 0 where it cannot be read. */
    static long memoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
