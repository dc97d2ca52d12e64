package io.kvmportal.host.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kvmportal.host.kvm.Accelerator;

/**
 * The one place a {@link GuestSpec} becomes QEMU's argument list; golden tests pin its output.
 *
 * <p>Choices that matter for safety:
 * <ul>
 * <li>Disks use {@code -blockdev} with an explicit driver (qcow2 for the guest disk, raw for an ISO),
 *     QEMU's spelling of an explicit format: nothing is probed, and {@code filename=} is taken
 *     literally, with none of {@code -drive}'s "protocol:" parsing. A qcow2 overlay's backing file is
 *     opened as its header says, so overlays must record the backing format (the image package
 *     creates them with {@code -F}).</li>
 * <li>No {@code -daemonize}: it fails under the sandbox options. The launcher runs QEMU in its own
 *     session instead.</li>
 * <li>User-mode networking is {@code restrict=on}; see {@link Nic#USER}.</li>
 * <li>The console is only the unix VNC socket; QEMU's own VNC WebSocket would listen on 0.0.0.0.</li>
 * </ul>
 */
public final class QemuCommandLine {
    public static final String BINARY = "qemu-system-x86_64";
    /** MiB of host memory a TCG guest's QEMU keeps for translated code. */
    public static final int TCG_TRANSLATION_CACHE_MIB = 128;
    static final String SANDBOX = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    private QemuCommandLine() {
    }

    public static List<String> argv(GuestSpec spec) {
        List<String> a = new ArrayList<>(List.of(BINARY,
                "-name", "guest=" + spec.name(),
                "-uuid", spec.uuid().toString(),
                "-machine", "q35",
                "-accel", accel(spec.accelerator()),
                "-cpu", spec.accelerator() == Accelerator.KVM ? "host" : "max",
                "-smp", Integer.toString(spec.vcpus()),
                "-m", spec.memoryMib() + "M",
                "-nodefaults", "-no-user-config",
                "-vga", "std", "-display", "none",
                "-vnc", "unix:" + spec.vncSocket(),
                "-qmp", "unix:" + spec.qmpSocket() + ",server=on,wait=off",
                "-chardev", "socket,id=serial0,path=" + spec.serialSocket() + ",server=on,wait=off,logfile=" + spec.serialLog(),
                "-device", "isa-serial,chardev=serial0"));
        spec.disk().ifPresent(disk -> addDisk(a, disk, diskBootIndex(spec.boot())));
        addBoot(a, spec.boot());
        if (spec.nic() == Nic.USER) {
            a.addAll(List.of("-netdev", "user,id=net0,restrict=on",
                    "-device", "virtio-net-pci,netdev=net0,mac=" + mac(spec)));
        }
        a.addAll(List.of("-pidfile", spec.pidFile().toString(),
                "-sandbox", SANDBOX,
                "-msg", "timestamp=on"));
        return List.copyOf(a);
    }

    /**
     * TCG's translation cache defaults to 1 GiB, which would count against (and blow) the guest's memory cgroup;
     * bounded here, so a guest's memory limit can be its size plus a known overhead.
     */
    private static String accel(Accelerator accelerator) {
        return accelerator == Accelerator.KVM ? "kvm" : "tcg,tb-size=" + TCG_TRANSLATION_CACHE_MIB;
    }

    private static void addDisk(List<String> a, Path disk, String bootIndex) {
        a.addAll(List.of(
                "-blockdev", "driver=file,node-name=disk0-file,filename=" + disk,
                "-blockdev", "driver=qcow2,node-name=disk0,file=disk0-file",
                "-device", "virtio-blk-pci,drive=disk0" + bootIndex));
    }

    /** -kernel takes boot index 0 itself (QEMU refuses a second one), so a data disk then gets none. */
    private static String diskBootIndex(BootSource boot) {
        if (boot instanceof BootSource.FromKernel) {
            return "";
        }
        return boot instanceof BootSource.FromIso ? ",bootindex=1" : ",bootindex=0";
    }

    private static void addBoot(List<String> a, BootSource boot) {
        if (boot instanceof BootSource.FromIso iso) {
            a.addAll(List.of(
                    "-blockdev", "driver=file,node-name=cd0-file,filename=" + iso.iso() + ",read-only=on",
                    "-blockdev", "driver=raw,node-name=cd0,file=cd0-file,read-only=on",
                    "-device", "ide-cd,drive=cd0,bus=ide.0,bootindex=0"));
        } else if (boot instanceof BootSource.FromKernel k) {
            a.addAll(List.of("-kernel", k.kernel().toString(), "-initrd", k.initrd().toString(), "-append", k.append()));
        }
    }

    /** Locally administered, QEMU's 52:54:00 prefix, stable per guest: the last three bytes of its uuid. */
    static String mac(GuestSpec spec) {
        long low = spec.uuid().getLeastSignificantBits();
        return String.format(Locale.ROOT, "52:54:00:%02x:%02x:%02x", (low >> 16) & 0xff, (low >> 8) & 0xff, low & 0xff);
    }
}
