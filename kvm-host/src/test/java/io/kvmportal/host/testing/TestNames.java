package io.kvmportal.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Names for what tests create on the host, all starting {@code kvmptest-} so leftovers are easy to find. */
public final class TestNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestNames() {
    }

    /** {@code kvmptest-<6 random hex digits>}: a valid account, cgroup or guest name. */
    public static String random() {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return "kvmptest-" + HexFormat.of().formatHex(bytes);
    }

    /** A fresh directory {@code /tmp/kvmptest-hp-*} (hp: host parts, to tell leftovers apart); remove it with {@link #deleteTree}. */
    public static Path tempDirectory() throws IOException {
        return Files.createTempDirectory("kvmptest-hp-");
    }

    /** Deletes {@code root} and everything below it, if it exists; symlinks are removed, not followed. */
    public static void deleteTree(Path root) throws IOException {
        TestGuestImage.deleteTree(root);
    }
}
