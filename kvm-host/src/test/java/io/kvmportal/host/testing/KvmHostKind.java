package io.kvmportal.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Which of the three kinds of host a test runs on, as the test sees it for itself (never by asking the code under
 * test): a real KVM host (/dev/kvm, no kvm_pvm), a nested PVM host (/dev/kvm and /sys/module/kvm_pvm: stock kernels
 * fail under it), or a host without /dev/kvm (kvm_pvm may be loaded all the same, as on this project's CI machines).
 * Tests that need the real device assert the outcome expected for the kind they find.
 */
public enum KvmHostKind {
    /** /dev/kvm, and no kvm_pvm: KVM runs stock guests. */
    KVM,
    /** /dev/kvm is the nested PVM device. */
    PVM,
    /** No /dev/kvm node. */
    NO_DEVICE;

    public static final Path DEVICE = Path.of("/dev/kvm");

    public static KvmHostKind observed() {
        if (!Files.exists(DEVICE, LinkOption.NOFOLLOW_LINKS)) {
            return NO_DEVICE;
        }
        return pvmModuleLoaded() ? PVM : KVM;
    }

    /**
     * Whether the node's mode lets every account open it read-write (some distributions make /dev/kvm 0666; Debian
     * makes it 0660 root:kvm): there an account without an ACL entry may open it all the same.
     */
    public static boolean openToEveryone() {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(DEVICE, LinkOption.NOFOLLOW_LINKS);
            return mode.contains(PosixFilePermission.OTHERS_READ) && mode.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean pvmModuleLoaded() {
        return Files.exists(Path.of("/sys/module/kvm_pvm"));
    }

    public static boolean hardwareModuleLoaded() {
        return Files.exists(Path.of("/sys/module/kvm_intel")) || Files.exists(Path.of("/sys/module/kvm_amd"));
    }
}
