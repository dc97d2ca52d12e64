package io.kvmportal.host.kvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.exec.CommandResult;

/**
 * Finds out whether /dev/kvm can be used, by this process or by a given account.
 *
 * <p>For another account the check runs in a child under that account's credentials, exactly as QEMU
 * will be started ({@code setpriv --reuid --regid --clear-groups --no-new-privs}), running
 * {@code test -r -w}. The kernel then decides with its own permission check (mode bits and the POSIX
 * ACL, which is how kvm-portal grants access), so no mode or ACL logic is re-implemented here, and
 * supplementary groups are ignored for the same reason QEMU ignores them: they are cleared.
 */
public final class KvmProbe {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(10);

    private final Path device;
    private final Path sysModule;

    public KvmProbe() {
        this(Path.of("/dev/kvm"), Path.of("/sys/module"));
    }

    /** For tests: another device node and another /sys/module. */
    public KvmProbe(Path device, Path sysModule) {
        this.device = device;
        this.sysModule = sysModule;
    }

    /** Probes with this process's own credentials. */
    public KvmStatus probe() {
        boolean pvm = pvmLoaded();
        boolean hardware = hardwareLoaded();
        try (KvmDevice kvm = KvmDevice.open(device.toString())) {
            int api = kvm.apiVersion();
            // KVM's API doc: no NR_VCPUS answer means 4; no MAX_VCPUS answer means NR_VCPUS.
            int recommended = positiveOr(kvm.checkExtension(KvmDevice.KVM_CAP_NR_VCPUS), 4);
            int max = positiveOr(kvm.checkExtension(KvmDevice.KVM_CAP_MAX_VCPUS), recommended);
            return new KvmStatus(KvmAvailability.PRESENT, api, recommended, max, pvm, hardware,
                    presentText(api, recommended, max, pvm, hardware));
        } catch (NativeCallException e) {
            return notOpened(e, pvm, hardware);
        }
    }

    /**
     * Probes as account {@code uid}:{@code gid} with no supplementary groups. Needs root. Without the node the answer
     * is root's (absent); otherwise the account's permission is asked first, and only a node it may open is asked
     * for its API, so the permission check does not depend on what the node is.
     */
    public KvmStatus probeAs(int uid, int gid) {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid " + uid + " and gid " + gid + " must not be negative");
        }
        if (!Files.exists(device) || accountMayOpen(uid, gid)) {
            return probe();
        }
        return new KvmStatus(KvmAvailability.NO_PERMISSION, 0, 0, 0, pvmLoaded(), hardwareLoaded(),
                "no permission on " + device + " for uid " + uid + " gid " + gid);
    }

    private boolean accountMayOpen(int uid, int gid) {
        String path = device.toString();
        CommandResult result = Command.run(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--no-new-privs", "--", "/usr/bin/test", "-r", path, "-a", "-w", path), CHILD_TIMEOUT);
        // test(1) answers "no" with exit 1 and silence; setpriv's own failures also exit 1 but say why.
        if (result.exitCode() == 0) {
            return true;
        }
        if (result.exitCode() == 1 && result.output().isBlank()) {
            return false;
        }
        throw new CommandException(result.argv(), "exit " + result.exitCode() + ": " + result.output().strip(), null);
    }

    private KvmStatus notOpened(NativeCallException e, boolean pvm, boolean hardware) {
        switch (e.errno()) {
            case Posix.ENOENT:
                return new KvmStatus(KvmAvailability.ABSENT, 0, 0, 0, pvm, hardware, absentText(pvm, hardware));
            case Posix.ENODEV:
            case Posix.ENXIO:
                // A node that nothing answers behind: a module that did not bind (a PVM guest's kvm_pvm says "this
                // kernel is itself a kvm-pvm guest; not binding"), or a node copied into a container without it.
                return new KvmStatus(KvmAvailability.ABSENT, 0, 0, 0, pvm, hardware,
                        device + " exists, but no KVM driver answers behind it");
            case Posix.EACCES:
            case Posix.EPERM:
                return new KvmStatus(KvmAvailability.NO_PERMISSION, 0, 0, 0, pvm, hardware, "no permission on " + device);
            default:
                throw e;
        }
    }

    /**
     * Why there is no node, as far as the modules tell: a PVM host whose device was not made (as on these machines),
     * a hardware host whose node a container was not given, or no KVM module at all.
     */
    private String absentText(boolean pvm, boolean hardware) {
        String modules = pvm ? "the kvm_pvm module is loaded, but made no device node"
                : hardware ? "a kvm_intel/kvm_amd module is loaded, but this process sees no device node"
                : "no kvm_intel, kvm_amd or kvm_pvm module is loaded";
        return "no " + device + " on this host (" + modules + ")";
    }

    private boolean pvmLoaded() {
        return Files.exists(sysModule.resolve("kvm_pvm"));
    }

    private boolean hardwareLoaded() {
        return Files.exists(sysModule.resolve("kvm_intel")) || Files.exists(sysModule.resolve("kvm_amd"));
    }

    private String presentText(int api, int recommended, int max, boolean pvm, boolean hardware) {
        String kind = pvm ? "nested PVM device (kvm_pvm), which cannot run stock kernels"
                : hardware ? "hardware virtualisation (VT-x/AMD-V)" : "no kvm_intel/kvm_amd module seen";
        return device + ": API " + api + ", " + recommended + " vCPUs recommended, max " + max + "; " + kind;
    }

    private static int positiveOr(int value, int fallback) {
        return value > 0 ? value : fallback;
    }
}
