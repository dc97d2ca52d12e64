package io.kvmportal.host.cgroup;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cgroup per guest, {@code <parent>/<guest-id>}, with a memory limit and a CPU quota, on cgroup v1
 * or v2 alike (see {@link CgroupMounts} for how the version is found). Needs root.
 *
 * <p>Joining: the kernel can start a process inside a cgroup (clone3 with CLONE_INTO_CGROUP, v2 only)
 * and cgexec(1) joins before exec, but Java's ProcessBuilder offers neither, and the argument list
 * must stay free of shell strings. So the launcher starts QEMU and calls {@link #join} with its pid at
 * once. The trade-off: on v1, memory charged before the join stays with the JVM's cgroup (v1 does not
 * move charges; move_charge_at_immigrate is deprecated). That is only what QEMU touches in the
 * microseconds between exec and join (its own startup): guest RAM is mapped at start but charged
 * when the guest first touches it, which is after the join. On v2 memory charged earlier is not moved
 * either, but the same reasoning holds.
 *
 * <p>On v2 the parent gets {@code +memory +cpu} in the subtree_control of every cgroup from the mount
 * root down to it. Under systemd, name a delegated subtree as the parent (e.g.
 * {@code kvm-portal.slice}), since systemd owns the root's children.
 */
public final class GuestCgroups {
    public static final String DEFAULT_PARENT = "kvm-portal";
    /** The kernel's default CFS period; the quota is CPU time per this period. */
    public static final long CPU_PERIOD_MICROS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(GuestCgroups.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final long RMDIR_PATIENCE_MILLIS = 2_000;

    private final CgroupMounts mounts;
    private final String parent;

    /** Guests under {@code kvm-portal/} in the hierarchies this host mounts. */
    public GuestCgroups() {
        this(DEFAULT_PARENT);
    }

    /** Guests under {@code parent}, one or more '/'-separated names relative to each hierarchy's root. */
    public GuestCgroups(String parent) {
        this(CgroupMounts.detect(), parent);
    }

    GuestCgroups(CgroupMounts mounts, String parent) {
        for (String segment : parent.split("/", -1)) {
            checkName("cgroup parent", segment);
        }
        this.mounts = mounts;
        this.parent = parent;
    }

    public CgroupVersion version() {
        return mounts.version();
    }

    /** Creates (or re-configures) the guest's cgroup; returns its limits as read back. */
    public GuestCgroup create(String guestId, long memoryBytes, long cpuQuotaMicros) {
        checkName("guest id", guestId);
        if (memoryBytes < 1 << 20 || cpuQuotaMicros < 1_000) {
            throw new IllegalArgumentException("guest " + guestId + ": memory " + memoryBytes
                    + " bytes (at least 1 MiB) and CPU quota " + cpuQuotaMicros + " us (at least 1000) refused");
        }
        if (version() == CgroupVersion.V2) {
            enableControllers();
        }
        for (Path hierarchy : mounts.hierarchies()) {
            mkdirs(directory(hierarchy, guestId));
        }
        if (version() == CgroupVersion.V1) {
            write(directory(mounts.memory(), guestId).resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            write(directory(mounts.cpu(), guestId).resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
            write(directory(mounts.cpu(), guestId).resolve("cpu.cfs_quota_us"), Long.toString(cpuQuotaMicros));
        } else {
            write(directory(mounts.memory(), guestId).resolve("memory.max"), Long.toString(memoryBytes));
            write(directory(mounts.cpu(), guestId).resolve("cpu.max"), cpuQuotaMicros + " " + CPU_PERIOD_MICROS);
        }
        return find(guestId).orElseThrow(() -> new CgroupException("cgroup of " + guestId + " vanished after creation", null));
    }

    /** The guest's cgroup and its limits, if it exists (after a portal restart, for instance). */
    public Optional<GuestCgroup> find(String guestId) {
        checkName("guest id", guestId);
        Path memory = directory(mounts.memory(), guestId);
        Path cpu = directory(mounts.cpu(), guestId);
        if (!Files.isDirectory(memory) || !Files.isDirectory(cpu)) {
            return Optional.empty();
        }
        if (version() == CgroupVersion.V1) {
            return Optional.of(new GuestCgroup(guestId, version(), number(read(memory.resolve("memory.limit_in_bytes"))),
                    number(read(cpu.resolve("cpu.cfs_quota_us"))), number(read(cpu.resolve("cpu.cfs_period_us")))));
        }
        String[] cpuMax = read(cpu.resolve("cpu.max")).split(" ");
        return Optional.of(new GuestCgroup(guestId, version(), number(read(memory.resolve("memory.max"))),
                number(cpuMax[0]), number(cpuMax[1])));
    }

    /** Moves process {@code pid} (all its threads) into the guest's cgroup, in every hierarchy. */
    public void join(String guestId, long pid) {
        checkName("guest id", guestId);
        if (pid < 2) {
            throw new IllegalArgumentException("pid " + pid + " is not a guest process");
        }
        for (Path hierarchy : mounts.hierarchies()) {
            write(directory(hierarchy, guestId).resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /** The pids in the guest's cgroup (its memory hierarchy's, on v1). */
    public List<Long> processes(String guestId) {
        checkName("guest id", guestId);
        String procs = read(directory(mounts.memory(), guestId).resolve("cgroup.procs"));
        return procs.isEmpty() ? List.of() : procs.lines().map(Long::parseLong).toList();
    }

    public CgroupStats stats(String guestId) {
        checkName("guest id", guestId);
        Path memory = directory(mounts.memory(), guestId);
        Path cpu = directory(mounts.cpu(), guestId);
        String cpuStat = read(cpu.resolve("cpu.stat"));
        if (version() == CgroupVersion.V1) {
            long nanos = number(read(directory(mounts.cpuacct(), guestId).resolve("cpuacct.usage")));
            return new CgroupStats(number(read(memory.resolve("memory.usage_in_bytes"))), nanos / 1_000,
                    statField(cpuStat, "nr_throttled"));
        }
        return new CgroupStats(number(read(memory.resolve("memory.current"))), statField(cpuStat, "usage_usec"),
                statField(cpuStat, "nr_throttled"));
    }

    /**
     * Removes the guest's cgroup once its processes are gone; a missing cgroup is fine. The kernel
     * may take a moment after a kill to let go, so this waits up to 2 s before it gives up.
     */
    public void destroy(String guestId) {
        checkName("guest id", guestId);
        for (Path hierarchy : mounts.hierarchies()) {
            rmdirPatiently(directory(hierarchy, guestId));
        }
    }

    /** Removes the parent where it has no guests left; for uninstalling and tests. Returns whether all went. */
    public boolean removeParentIfEmpty() {
        boolean all = true;
        for (Path hierarchy : mounts.hierarchies()) {
            Path dir = hierarchy.resolve(parent);
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.info("{} stays: {}", dir, e.getMessage());
                all = false;
            }
        }
        return all;
    }

    /** The guest's directory in one hierarchy. */
    Path directory(Path hierarchy, String guestId) {
        return hierarchy.resolve(parent).resolve(guestId);
    }

    private void enableControllers() {
        Path cgroup = mounts.memory();
        for (String segment : parent.split("/")) {
            write(cgroup.resolve("cgroup.subtree_control"), "+memory +cpu");
            cgroup = cgroup.resolve(segment);
            mkdirs(cgroup);
        }
        write(cgroup.resolve("cgroup.subtree_control"), "+memory +cpu");
    }

    private void rmdirPatiently(Path dir) {
        long deadline = System.currentTimeMillis() + RMDIR_PATIENCE_MILLIS;
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (FileSystemException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new CgroupException("cannot remove " + dir + " (processes " + read(dir.resolve("cgroup.procs"))
                            .replace('\n', ' ').strip() + "): " + e.getMessage(), e);
                }
                sleep();
            } catch (IOException e) {
                throw new CgroupException("cannot remove " + dir, e);
            }
        }
    }

    static void checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " \"" + value + "\" refused: 1-63 of a-z, 0-9, '.', '_', '-', "
                    + "starting with a letter or digit");
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CgroupException("cannot create " + dir, e);
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new CgroupException("cannot write \"" + value + "\" to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw new CgroupException("no " + file, e);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file, e);
        }
    }

    /** A cgroup number; "max" (v2's "no limit") becomes Long.MAX_VALUE. */
    private static long number(String value) {
        return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private static long statField(String stat, String key) {
        List<String> found = new ArrayList<>();
        stat.lines().filter(l -> l.startsWith(key + " ")).forEach(l -> found.add(l.substring(key.length() + 1)));
        if (found.size() != 1) {
            throw new CgroupException("cpu.stat has no single \"" + key + "\": " + stat.replace('\n', ' '), null);
        }
        return Long.parseLong(found.get(0).strip());
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for a cgroup to empty", e);
        }
    }
}
