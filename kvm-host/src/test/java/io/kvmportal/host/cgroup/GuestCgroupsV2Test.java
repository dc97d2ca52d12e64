package io.kvmportal.host.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.testing.TestNames;

/**
 * The v2 paths, on a directory tree laid out as a unified mount: this machine's memory and cpu
 * controllers are bound to v1, so a real v2 run needs another host. The tree shows which files are
 * written with what; it cannot show the kernel accepting them.
 */
class GuestCgroupsV2Test {
    private Path root;
    private GuestCgroups cgroups;

    @BeforeEach
    void fakeUnifiedMount() throws IOException {
        root = TestNames.tempDirectory();
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        CgroupMounts mounts = CgroupMounts.parse("30 23 0:26 / " + root + " rw - cgroup2 cgroup2 rw\n",
                mount -> mount.equals(root) ? "cpuset cpu io memory pids\n" : "");
        cgroups = new GuestCgroups(mounts, "kvm-portal.slice/guests");
    }

    @AfterEach
    void deleteTree() throws IOException {
        TestNames.deleteTree(root);
    }

    @Test
    void createEnablesControllersDownToTheParentAndWritesMaxFiles() throws IOException {
        GuestCgroup created = cgroups.create("kvmptest-v2", 512L << 20, 150_000);

        assertEquals(new GuestCgroup("kvmptest-v2", CgroupVersion.V2, 512L << 20, 150_000, 100_000), created);
        Path guest = root.resolve("kvm-portal.slice/guests/kvmptest-v2");
        assertEquals("536870912", Files.readString(guest.resolve("memory.max")));
        assertEquals("150000 100000", Files.readString(guest.resolve("cpu.max")));
        for (Path level : List.of(root, root.resolve("kvm-portal.slice"), root.resolve("kvm-portal.slice/guests"))) {
            assertEquals("+memory +cpu", Files.readString(level.resolve("cgroup.subtree_control")), level.toString());
        }
    }

    @Test
    void joinWritesThePidOnceAndStatsReadV2Files() throws IOException {
        cgroups.create("kvmptest-v2", 512L << 20, 150_000);
        Path guest = root.resolve("kvm-portal.slice/guests/kvmptest-v2");

        cgroups.join("kvmptest-v2", 4242);
        Files.writeString(guest.resolve("memory.current"), "1048576\n");
        Files.writeString(guest.resolve("cpu.stat"), "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n"
                + "nr_periods 7\nnr_throttled 3\nthrottled_usec 900\n");

        assertEquals("4242", Files.readString(guest.resolve("cgroup.procs")));
        assertEquals(List.of(4242L), cgroups.processes("kvmptest-v2"));
        assertEquals(new CgroupStats(1048576, 2500, 3), cgroups.stats("kvmptest-v2"));
    }

    @Test
    void maxMeansNoLimit() throws IOException {
        cgroups.create("kvmptest-v2", 512L << 20, 150_000);
        Path guest = root.resolve("kvm-portal.slice/guests/kvmptest-v2");
        Files.writeString(guest.resolve("memory.max"), "max\n");
        Files.writeString(guest.resolve("cpu.max"), "max 100000\n");

        assertEquals(Optional.of(new GuestCgroup("kvmptest-v2", CgroupVersion.V2, Long.MAX_VALUE, Long.MAX_VALUE, 100_000)),
                cgroups.find("kvmptest-v2"));
    }
}
