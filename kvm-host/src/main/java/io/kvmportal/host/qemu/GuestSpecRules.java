package io.kvmportal.host.qemu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kvmportal.host.kvm.Accelerator;

/** The rules of {@link GuestSpec}: each returns a problem naming the bad value, none stops at the first. */
final class GuestSpecRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** sun_path is 108 bytes with its NUL; the longest socket name below the run directory is serial.sock. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    /** x86 Linux reads at most 2048 bytes of command line. */
    private static final int MAX_APPEND_LENGTH = 2047;

    private GuestSpecRules() {
    }

    static List<String> problems(String name, UUID uuid, int vcpus, int memoryMib, Optional<Path> disk, BootSource boot,
            Accelerator accelerator, Nic nic, Path runDirectory) {
        List<String> problems = new ArrayList<>();
        identityAndSize(problems, name, uuid, vcpus, memoryMib);
        if (disk == null) {
            problems.add("disk must be a path or empty, not null");
        } else {
            disk.ifPresent(d -> path(problems, "disk", d));
        }
        boot(problems, boot, disk != null && disk.isPresent());
        if (accelerator == null || accelerator == Accelerator.AUTO) {
            problems.add("accelerator " + accelerator + " is not KVM or TCG: choose it before building the spec");
        }
        required(problems, "NIC", nic);
        runDirectory(problems, runDirectory);
        return problems;
    }

    /** The rules for what a caller gives (the host adds the disk, run directory and accelerator); it has a disk. */
    static List<String> problems(String name, UUID uuid, int vcpus, int memoryMib, BootSource boot, Nic nic) {
        List<String> problems = new ArrayList<>();
        identityAndSize(problems, name, uuid, vcpus, memoryMib);
        boot(problems, boot, true);
        required(problems, "NIC", nic);
        return problems;
    }

    private static void identityAndSize(List<String> problems, String name, UUID uuid, int vcpus, int memoryMib) {
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name " + quoted(name) + " is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        required(problems, "uuid", uuid);
        range(problems, "vCPUs", vcpus, "", GuestSpec.MIN_VCPUS, GuestSpec.MAX_VCPUS);
        range(problems, "memory", memoryMib, " MiB", GuestSpec.MIN_MEMORY_MIB, GuestSpec.MAX_MEMORY_MIB);
    }

    private static void boot(List<String> problems, BootSource boot, boolean hasDisk) {
        if (boot instanceof BootSource.FromDisk && !hasDisk) {
            problems.add("boot from disk needs a disk");
        } else if (boot instanceof BootSource.FromIso iso) {
            path(problems, "ISO", iso.iso());
            if (!hasDisk) {
                problems.add("boot from ISO needs a disk to install onto");
            }
        } else if (boot instanceof BootSource.FromKernel k) {
            path(problems, "kernel", k.kernel());
            path(problems, "initrd", k.initrd());
            append(problems, k.append());
        } else if (boot == null) {
            problems.add("boot source missing");
        }
    }

    private static void append(List<String> problems, String append) {
        if (append == null) {
            problems.add("kernel command line missing (use \"\" for none)");
        } else if (append.length() > MAX_APPEND_LENGTH) {
            problems.add("kernel command line of " + append.length() + " characters above maximum " + MAX_APPEND_LENGTH);
        } else if (!append.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            problems.add("kernel command line " + quoted(append) + " has characters outside printable ASCII");
        }
    }

    private static void runDirectory(List<String> problems, Path dir) {
        if (path(problems, "run directory", dir)) {
            int bytes = dir.resolve("serial.sock").toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SOCKET_PATH_BYTES) {
                problems.add("run directory " + quoted(dir.toString()) + " too long: its socket paths take " + bytes
                        + " bytes, above the unix socket maximum " + MAX_SOCKET_PATH_BYTES);
            }
        }
    }

    /** QEMU splits option values at commas; refusing them is simpler to trust than escaping as ",,". */
    private static boolean path(List<String> problems, String what, Path path) {
        if (path == null) {
            problems.add(what + " path missing");
            return false;
        }
        String text = path.toString();
        int before = problems.size();
        if (!path.isAbsolute()) {
            problems.add(what + " path " + quoted(text) + " is not absolute");
        }
        if (!path.normalize().equals(path)) {
            problems.add(what + " path " + quoted(text) + " has . or .. segments");
        }
        if (text.indexOf(',') >= 0) {
            problems.add(what + " path " + quoted(text) + " contains a comma");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(what + " path " + quoted(text) + " contains a control character");
        }
        return problems.size() == before;
    }

    private static void range(List<String> problems, String what, int value, String unit, int min, int max) {
        if (value < min) {
            problems.add(what + " " + value + unit + " below minimum " + min + unit);
        } else if (value > max) {
            problems.add(what + " " + value + unit + " above maximum " + max + unit);
        }
    }

    private static void required(List<String> problems, String what, Object value) {
        if (value == null) {
            problems.add(what + " missing");
        }
    }

    private static String quoted(String value) {
        // A refused value may be huge: cut, so the message stays one line of a log.
        String shown = value == null ? null : value.length() > 200 ? value.substring(0, 200) + "..." : value;
        return shown == null ? "null" : "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
