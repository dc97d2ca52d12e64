package io.kvmportal.host.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CgroupMountsTest {
    /** This machine's layout: v1 per controller, and a cgroup2 mount without memory or cpu. */
    private static final String HYBRID = String.join("\n",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw", "");
    private static final String UNIFIED = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
    private static final String COMOUNTED = String.join("\n",
            "28 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup rw,cpu,cpuacct",
            "29 25 0:25 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory",
            "30 25 0:26 / /sys/fs/cgroup/unified rw shared:12 - cgroup2 cgroup2 rw");

    @Test
    void hybridLayoutIsV1WithOneHierarchyPerController() {
        CgroupMounts mounts = CgroupMounts.parse(HYBRID, controllers(Map.of("/sys/fs/cgroup/unified", "hugetlb\n")));

        assertEquals(new CgroupMounts(CgroupVersion.V1, Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/cpu"),
                Path.of("/sys/fs/cgroup/cpuacct")), mounts);
        assertEquals(3, mounts.hierarchies().size());
    }

    @Test
    void unifiedMountOfferingMemoryAndCpuIsV2() {
        CgroupMounts mounts = CgroupMounts.parse(UNIFIED, controllers(Map.of("/sys/fs/cgroup", "cpuset cpu io memory hugetlb pids rdma misc\n")));

        Path root = Path.of("/sys/fs/cgroup");
        assertEquals(new CgroupMounts(CgroupVersion.V2, root, root, root), mounts);
        assertEquals(List.of(root), mounts.hierarchies());
    }

    @Test
    void comountedCpuAndCpuacctShareOneDirectory() {
        CgroupMounts mounts = CgroupMounts.parse(COMOUNTED, controllers(Map.of()));

        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), mounts.cpu());
        assertEquals(mounts.cpu(), mounts.cpuacct());
        assertEquals(2, mounts.hierarchies().size());
    }

    @Test
    void escapedMountPointsAreDecoded() {
        String info = "35 31 0:32 / /cg\\040v1/memory rw - cgroup cgroup rw,memory\n"
                + "32 31 0:29 / /cg\\040v1/cpu rw - cgroup cgroup rw,cpu,cpuacct\n";

        assertEquals(Path.of("/cg v1/memory"), CgroupMounts.parse(info, controllers(Map.of())).memory());
    }

    @Test
    void noUsableControllersIsAnError() {
        assertThrows(CgroupException.class, () -> CgroupMounts.parse(UNIFIED, controllers(Map.of("/sys/fs/cgroup", "pids\n"))));
    }

    @Test
    void thisHostIsDetected() {
        CgroupMounts mounts = CgroupMounts.detect();

        // Both answers are right somewhere; on this machine (hybrid, no systemd) it is V1.
        assertEquals(java.nio.file.Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? CgroupVersion.V2 : CgroupVersion.V1,
                mounts.version());
    }

    private static java.util.function.Function<Path, String> controllers(Map<String, String> byMount) {
        return mount -> byMount.getOrDefault(mount.toString(), "");
    }
}
