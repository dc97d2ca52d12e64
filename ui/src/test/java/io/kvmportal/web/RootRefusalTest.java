package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A portal started as root stops at once and says why and how to start it instead. */
class RootRefusalTest {

    @Test
    void onlyRootIsRefused() {
        assertTrue(RootRefusal.reasonFor(0).isPresent());
        assertFalse(RootRefusal.reasonFor(1).isPresent());
        assertFalse(RootRefusal.reasonFor(999).isPresent());
        assertFalse(RootRefusal.reasonFor(65534).isPresent());
    }

    @Test
    void theRefusalSaysWhyAndTheThreeWaysToStart() {
        String reason = RootRefusal.reasonFor(0).orElseThrow();
        assertTrue(reason.contains("refuses to run as root"), reason);
        assertTrue(reason.contains("sudo ./run.sh"), reason);
        assertTrue(reason.contains("systemctl start kvm-host-agent kvm-portal"), reason);
        assertTrue(reason.contains("setpriv --reuid=kvm-portal --regid=kvm-portal --init-groups --inh-caps=-all"
                + " --bounding-set=-all --no-new-privs -- java -jar kvm-portal.jar"), reason);
    }

    @Test
    void theUidIsThisProcessOne() throws IOException {
        assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                Math.toIntExact(RootRefusal.currentUid()));
    }

    /**
     * The real main, in a JVM of its own, as root: it ends with the refusal before it makes its data directory or
     * starts anything. Runs only where the tests run as root (CI, test.sh under sudo).
     */
    @Test
    void mainRefusesToStartAsRoot(@TempDir Path dir) throws Exception {
        assumeTrue(RootRefusal.currentUid() == 0, "the tests do not run as root");
        Path dataDir = dir.resolve("data");
        Path output = dir.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Application.class.getName()))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("PORTAL_DATA_DIR", dataDir.toString());
        Process portal = builder.start();
        portal.getOutputStream().close();
        assertTrue(portal.waitFor(60, TimeUnit.SECONDS), "the portal did not end");
        String said = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(RootRefusal.EXIT_CODE, portal.exitValue(), said);
        assertTrue(said.contains("kvm-portal refuses to run as root"), said);
        assertFalse(Files.exists(dataDir));
    }
}
