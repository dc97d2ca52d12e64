package io.kvmportal.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the memory, cpu and cpuacct controllers are mounted, from /proc/self/mountinfo. Unified (v2)
 * wins when a cgroup2 mount offers both memory and cpu; a hybrid host also mounts cgroup2 (here at
 * /sys/fs/cgroup/unified) but with the controllers bound to v1, so its cgroup.controllers lacks them.
 *
 * @param memory  v1: the memory hierarchy; v2: the unified mount (likewise cpu and cpuacct)
 */
record CgroupMounts(CgroupVersion version, Path memory, Path cpu, Path cpuacct) {
    private static final Pattern OCTAL_ESCAPE = Pattern.compile("\\\\([0-7]{3})");

    static CgroupMounts detect() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")), CgroupMounts::readControllers);
        } catch (IOException e) {
            throw new CgroupException("cannot read /proc/self/mountinfo", e);
        }
    }

    /** @param controllersOf reads a cgroup2 mount's cgroup.controllers ("" when it has none) */
    static CgroupMounts parse(String mountinfo, Function<Path, String> controllersOf) {
        Map<String, Path> v1 = new HashMap<>();
        for (String line : mountinfo.split("\n")) {
            // "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory"
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            Path mountPoint = Path.of(unescape(before[4]));
            if (after[0].equals("cgroup2")) {
                List<String> offered = List.of(controllersOf.apply(mountPoint).strip().split("\\s+"));
                if (offered.contains("memory") && offered.contains("cpu")) {
                    return new CgroupMounts(CgroupVersion.V2, mountPoint, mountPoint, mountPoint);
                }
            } else if (after[0].equals("cgroup")) {
                for (String option : after[2].split(",")) {
                    if (Set.of("memory", "cpu", "cpuacct").contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        if (!v1.keySet().containsAll(Set.of("memory", "cpu", "cpuacct"))) {
            throw new CgroupException("no cgroup2 mount with memory and cpu, and v1 has only " + v1.keySet(), null);
        }
        return new CgroupMounts(CgroupVersion.V1, v1.get("memory"), v1.get("cpu"), v1.get("cpuacct"));
    }

    /** The distinct hierarchies a guest's cgroup has a directory in (cpu and cpuacct may be one). */
    List<Path> hierarchies() {
        return List.copyOf(new java.util.LinkedHashSet<>(List.of(memory, cpu, cpuacct)));
    }

    // mountinfo writes space, tab, newline and backslash in paths as \040, \011, \012, \134.
    private static String unescape(String field) {
        Matcher m = OCTAL_ESCAPE.matcher(field);
        return m.replaceAll(r -> Matcher.quoteReplacement(Character.toString(Integer.parseInt(r.group(1), 8))));
    }

    private static String readControllers(Path mountPoint) {
        try {
            Path file = mountPoint.resolve("cgroup.controllers");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new CgroupException("cannot read " + mountPoint.resolve("cgroup.controllers"), e);
        }
    }
}
