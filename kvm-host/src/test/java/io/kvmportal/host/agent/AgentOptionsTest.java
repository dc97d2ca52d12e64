package io.kvmportal.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.HostConfig;
import io.kvmportal.host.kvm.Accelerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's command line: the fixed names, the defaults, and values that would reach a path or id's arguments. */
class AgentOptionsTest {
    private static final List<String> REQUIRED = List.of("--data-dir", "/var/lib/kvm-portal", "--socket",
            "/run/kvm-portal/agent.sock", "--portal-user", "kvm-portal", "--screen-socket",
            "/run/kvm-portal/portal/screens.sock");

    @Test
    void theRequiredOptionsWithTheDefaults() {
        AgentOptions options = AgentOptions.parse(REQUIRED.toArray(String[]::new));

        assertEquals(Path.of("/var/lib/kvm-portal"), options.dataDir());
        assertEquals("kvm-portal", options.portalUser());
        HostConfig config = options.hostConfig();
        assertEquals(HostConfig.under(Path.of("/var/lib/kvm-portal")), config);
        assertEquals(Accelerator.AUTO, config.accelerator());
    }

    @Test
    void theOptionalOnes() {
        AgentOptions options = AgentOptions.parse(with("--accelerator", "TCG", "--cgroup-parent", "kvmp-test.1",
                "--start-timeout", "90"));

        assertEquals(Accelerator.TCG, options.accelerator());
        assertEquals("kvmp-test.1", options.hostConfig().cgroupParent());
        assertEquals(Duration.ofSeconds(90), options.hostConfig().startTimeout());
    }

    @Test
    void wrongOrMissingValuesAreRefusedInWords() {
        List<String[]> wrong = List.of(new String[0], with("--socket"), with("--data-dir", "/x"),
                with("--verbose", "yes"), replaced("--data-dir", "relative/dir"), replaced("--socket", "/run/../etc/x"),
                replaced("--portal-user", "-rf"), replaced("--portal-user", "kvm portal"),
                replaced("--portal-user", "../root"), with("--accelerator", "hvf"), with("--cgroup-parent", "../x"),
                with("--cgroup-parent", "a/b"), with("--start-timeout", "0"), with("--start-timeout", "1e9"));
        for (String[] args : wrong) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> AgentOptions.parse(args), String.join(" ", args));
            assertTrue(refused.getMessage().startsWith("--") || refused.getMessage().startsWith("unknown"),
                    refused.getMessage());
        }
    }

    @Test
    void theUsageNamesEveryOption() {
        for (String option : List.of("--data-dir", "--socket", "--portal-user", "--screen-socket", "--accelerator",
                "--cgroup-parent", "--start-timeout", "--help")) {
            assertTrue(AgentOptions.USAGE.contains(option), option);
        }
    }

    private static String[] with(String... more) {
        List<String> args = new ArrayList<>(REQUIRED);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String[] replaced(String option, String value) {
        List<String> args = new ArrayList<>(REQUIRED);
        args.set(args.indexOf(option) + 1, value);
        return args.toArray(String[]::new);
    }
}
