package io.kvmportal.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * As the README starts it (run.sh), the process that serves the portal's port runs as the account kvm-portal with
 * no capabilities at all and no_new_privs, and the host agent, the one that serves the agent's socket, as root;
 * the socket between them is root:kvm-portal 0660, and the agent gets none of run.sh's environment. Read from
 * /proc/PID/status and environ of the listeners {@code ss} names.
 */
class PortalRunsWithoutRootTest {
    private static final String NO_CAPABILITIES = "0000000000000000";
    private static PortalProcess portal;

    @BeforeAll
    static void start() throws IOException {
        portal = PortalProcess.start();
    }

    @AfterAll
    static void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void thePortalServesAsKvmPortalWithNoCapabilities() throws IOException {
        Map<String, String> status = status(portal.portalPid());
        String uid = account("kvm-portal", 2);
        String gid = account("kvm-portal", 3);
        assertEquals(List.of(uid, uid, uid, uid), fields(status, "Uid"), "real, effective, saved, file system uid");
        assertEquals(List.of(gid, gid, gid, gid), fields(status, "Gid"));
        assertEquals(List.of(gid), fields(status, "Groups"), "kvm-portal's own group, nothing else");
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertEquals(NO_CAPABILITIES, status.get(set), set);
        }
        assertEquals("1", status.get("NoNewPrivs"));
    }

    @Test
    void theAgentRunsAsRootInAnotherProcess() throws IOException {
        long agent = portal.agentPid();
        assertNotEquals(portal.portalPid(), agent);
        assertEquals(List.of("0", "0", "0", "0"), fields(status(agent), "Uid"));
    }

    /** run.sh's environment (PORTAL_ADMIN_PASSWORD among it, as a database password would be) stays out of root's. */
    @Test
    void theAgentGetsAScrubbedEnvironment() throws IOException {
        String environ = Files.readString(Path.of("/proc", Long.toString(portal.agentPid()), "environ"));
        List<String> names = Stream.of(environ.split("\0")).filter(entry -> !entry.isEmpty())
                .map(entry -> entry.substring(0, entry.indexOf('='))).sorted().toList();
        assertEquals(List.of("HOME", "LANG", "PATH"), names);
    }

    @Test
    void onlyRootAndTheGroupKvmPortalMayUseTheAgentSocket() throws IOException {
        PosixFileAttributes socket = Files.readAttributes(portal.agentSocket(), PosixFileAttributes.class);
        assertEquals("root", socket.owner().getName());
        assertEquals("kvm-portal", socket.group().getName());
        assertEquals("rw-rw----", PosixFilePermissions.toString(socket.permissions()));
    }

    private static Map<String, String> status(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.contains(":"))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(':')),
                        line -> line.substring(line.indexOf(':') + 1).trim(), (first, second) -> first));
    }

    private static List<String> fields(Map<String, String> status, String key) {
        return List.of(status.get(key).split("\\s+"));
    }

    /** A field of the account's line in /etc/passwd (2: uid, 3: gid). */
    private static String account(String name, int field) throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream()
                .map(line -> line.split(":"))
                .filter(entry -> entry[0].equals(name))
                .map(entry -> entry[field])
                .findFirst().orElseThrow(() -> new IllegalStateException("no account " + name));
    }
}
