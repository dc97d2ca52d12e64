package io.kvmportal.host.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import io.kvmportal.host.exec.Command;

/**
 * A throw-away system account {@code kvmptest-<random>} for tests that need an unprivileged user.
 * Close it (try-with-resources or @AfterAll) so it is deleted even when the test fails.
 */
public final class TestAccount implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final int uid;
    private final int gid;

    private TestAccount(String name, int uid, int gid) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    public static TestAccount create() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String name = "kvmptest-" + HexFormat.of().formatHex(random);
        Command.runChecked(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name), TIMEOUT);
        try {
            int uid = Integer.parseInt(Command.runChecked(List.of("id", "-u", name), TIMEOUT).strip());
            int gid = Integer.parseInt(Command.runChecked(List.of("id", "-g", name), TIMEOUT).strip());
            return new TestAccount(name, uid, gid);
        } catch (RuntimeException e) {
            Command.run(List.of("userdel", name), TIMEOUT);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    @Override
    public void close() {
        Command.runChecked(List.of("userdel", name), TIMEOUT);
    }
}
