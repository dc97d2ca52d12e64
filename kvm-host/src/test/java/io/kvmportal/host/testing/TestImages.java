package io.kvmportal.host.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandException;

/** Small disk images made on the spot for image tests: real qemu-img output, or bytes laid out by hand. */
public final class TestImages {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestImages() {
    }

    /** {@code qemu-img create -f qcow2 <file> <size>} plus any {@code -o}/{@code -b} options given first. */
    public static Path qcow2(Path file, long virtualSize, String... options) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        argv.addAll(List.of(options));
        argv.addAll(List.of(file.toString(), Long.toString(virtualSize)));
        Command.runChecked(argv, TIMEOUT);
        return file;
    }

    /**
     * A LUKS-encrypted qcow2. qemu-img first times its key derivation on the thread's CPU clock and gives up with
     * "Unable to get accurate CPU usage" when that clock has not moved, which coarse CPU accounting in a VM does now
     * and then: the fixture is made again then, up to three times, rather than the test failing for it.
     */
    public static Path encryptedQcow2(Path file, long virtualSize) {
        for (int attempt = 1; ; attempt++) {
            try {
                return qcow2(file, virtualSize, "--object", "secret,id=sec0,data=kvmptest",
                        "-o", "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10");
            } catch (CommandException clockStood) {
                if (attempt == 3 || !String.valueOf(clockStood.getMessage()).contains("accurate CPU usage")) {
                    throw clockStood;
                }
            }
        }
    }

    /** A sparse raw image of zeros. */
    public static Path raw(Path file, long size) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
        }
        return file;
    }

    /**
     * An ISO 9660 image as far as a header check sees: a primary volume descriptor (type 1, "CD001",
     * version 1) at sector 16 and a set terminator (type 255) after it. Not mountable; enough to tell
     * an ISO from other bytes.
     */
    public static Path iso(Path file, long size) throws IOException {
        raw(file, size);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            writeDescriptor(out, 16, 1);
            writeDescriptor(out, 17, 255);
        }
        return file;
    }

    private static void writeDescriptor(RandomAccessFile out, int sector, int type) throws IOException {
        out.seek(sector * 2048L);
        out.write(type);
        out.write("CD001".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
    }
}
