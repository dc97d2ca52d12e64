package io.kvmportal.host.agent;

import io.kvmportal.host.HostConfig;
import io.kvmportal.host.kvm.Accelerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's command line. Root types it, but a value still reaches a path and {@code id}'s arguments: so paths must
 * be absolute and the portal's account a plain account name.
 */
record AgentOptions(Path dataDir, Path socket, String portalUser, Path screenSocket, Accelerator accelerator,
                    String cgroupParent, Duration startTimeout) {
    static final String USAGE = """
            Usage: java -jar kvm-host-agent.jar --data-dir DIR --socket PATH --portal-user ACCOUNT \\
                     --screen-socket PATH [--accelerator auto|kvm|tcg] [--cgroup-parent NAME] [--start-timeout SECONDS]

            The kvm-portal host agent: the only part of kvm-portal that runs as root. It owns /dev/kvm, the guests'
            Linux accounts, their disks, the image store, cgroups and QEMU processes, and serves them to the portal
            over a unix socket, to the portal's account only.

              --data-dir DIR          guests/, images/ and installation-id live here (made root's, 0711)
              --socket PATH           the agent's socket, e.g. /run/kvm-portal/agent.sock (root:ACCOUNT's group, 0660)
              --portal-user ACCOUNT   the account the portal runs as (e.g. kvm-portal): the only caller served
              --screen-socket PATH    where the portal listens for guests' screens, e.g.
                                      /run/kvm-portal/portal/screens.sock (its directory is made ACCOUNT's, 0700)
              --accelerator MODE      auto (default: KVM where it runs stock guests, else TCG), kvm or tcg
              --cgroup-parent NAME    the cgroup under which each guest gets its own (default kvm-portal)
              --start-timeout SECONDS how long QEMU may take to answer on QMP (default 30)
              --help                  this text
            """;
    private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern CGROUP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final List<String> NAMES = List.of("--data-dir", "--socket", "--portal-user", "--screen-socket",
            "--accelerator", "--cgroup-parent", "--start-timeout");

    /** The options, or an IllegalArgumentException whose words say which one is wrong. */
    static AgentOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!NAMES.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            if (values.put(args[i], args[i + 1]) != null) {
                throw new IllegalArgumentException(args[i] + " given twice");
            }
        }
        HostConfig defaults = HostConfig.under(Path.of("/"));
        return new AgentOptions(path(values, "--data-dir"), path(values, "--socket"),
                matching(values, "--portal-user", ACCOUNT, null), path(values, "--screen-socket"),
                accelerator(values.getOrDefault("--accelerator", "auto")),
                matching(values, "--cgroup-parent", CGROUP, defaults.cgroupParent()),
                seconds(values.getOrDefault("--start-timeout", Long.toString(defaults.startTimeout().toSeconds()))));
    }

    /** The host's layout under the data directory, with these options. */
    HostConfig hostConfig() {
        HostConfig layout = HostConfig.under(dataDir);
        return new HostConfig(layout.guestsRoot(), layout.imagesRoot(), layout.installationIdFile(), accelerator,
                startTimeout, cgroupParent);
    }

    private static Path path(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        Path path = Path.of(value);
        if (!path.isAbsolute() || !path.normalize().equals(path)) {
            throw new IllegalArgumentException(name + " must be an absolute path without . or .., not " + value);
        }
        return path;
    }

    private static String matching(Map<String, String> values, String name, Pattern pattern, String fallback) {
        String value = values.getOrDefault(name, fallback);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " " + value + " is not a plain name (" + pattern + ")");
        }
        return value;
    }

    private static Accelerator accelerator(String value) {
        try {
            return Accelerator.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--accelerator is auto, kvm or tcg, not " + value);
        }
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 1 && seconds <= 3600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--start-timeout is a number of seconds from 1 to 3600, not " + value);
    }
}
