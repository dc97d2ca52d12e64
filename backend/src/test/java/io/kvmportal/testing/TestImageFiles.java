package io.kvmportal.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small real image files for publishing tests, made by qemu-img and genisoimage (test.sh installs both). */
public final class TestImageFiles {

    private TestImageFiles() {
    }

    /** {@code qemu-img create -f qcow2}, with any options (e.g. {@code -b /etc/passwd -F raw}) first. */
    public static Path qcow2(Path file, long virtualSize, String... options) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        argv.addAll(List.of(options));
        argv.addAll(List.of(file.toString(), Long.toString(virtualSize)));
        run(argv);
        return file;
    }

    /** A sparse raw disk of zeros. */
    public static Path raw(Path file, long size) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
        }
        return file;
    }

    /** A real ISO 9660 image with one small file, by genisoimage. */
    public static Path iso(Path file) throws IOException {
        Path content = Files.createTempDirectory("kvmptest-iso-");
        try {
            Files.writeString(content.resolve("README.TXT"), "kvm-portal test installer\n");
            run(List.of("genisoimage", "-quiet", "-V", "KVMPTEST", "-o", file.toString(), content.toString()));
        } finally {
            Files.deleteIfExists(content.resolve("README.TXT"));
            Files.deleteIfExists(content);
        }
        return file;
    }

    private static void run(List<String> argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(argv + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(argv + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(argv + " interrupted", e);
        }
    }
}
