package io.kvmportal.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A stand-in for /dev/kvm that a test makes itself, so grants and permission checks are tested on every kind of
 * host, with or without the device: a regular file {@code kvm}, root:root 0660 like the real node, in a fresh
 * directory that accounts may pass through but not list. The kernel decides an open of it by mode bits and POSIX ACL
 * as it decides one of the device; what it cannot do is answer KVM's ioctls (a regular file answers ENOTTY).
 */
public final class TestKvmNode implements AutoCloseable {
    private final Path directory;
    private final Path path;

    private TestKvmNode(Path directory, Path path) {
        this.directory = directory;
        this.path = path;
    }

    public static TestKvmNode create() throws IOException {
        Path directory = TestNames.tempDirectory();
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
            Path path = Files.createFile(directory.resolve("kvm"));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            return new TestKvmNode(directory, path);
        } catch (IOException | RuntimeException e) {
            TestNames.deleteTree(directory);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** A path beside the stand-in where no node is ever made: a host without the device. */
    public Path missing() {
        return directory.resolve("no-kvm");
    }

    /** Removes the node and its directory, and with them every ACL entry a test gave. */
    @Override
    public void close() throws IOException {
        TestNames.deleteTree(directory);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
