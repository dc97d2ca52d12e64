package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvmportal.host.kvm.Accelerator;

/**
 * Pins QEMU's whole argument list for a few specs. The golden files hold one argument per line, so a
 * change shows up in review as a diff of exactly the options that changed.
 */
class QemuCommandLineGoldenTest {
    private static final Path RUN = Path.of("/var/lib/kvm-portal/guests/kvmp-alice/7");
    private static final UUID UUID_1 = UUID.fromString("6f1c0d3e-8a57-4c1b-9d3a-0b5e2f7a9c41");

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("disk-boot-tcg.args", GuestSpec.builder().name("web-1").uuid(UUID_1).vcpus(2).memoryMib(1024)
                        .disk(RUN.resolve("disk.qcow2")).boot(new BootSource.FromDisk()).accelerator(Accelerator.TCG)
                        .runDirectory(RUN).build()),
                Arguments.of("iso-install-kvm.args", GuestSpec.builder().name("installer").uuid(UUID_1).vcpus(4).memoryMib(4096)
                        .disk(RUN.resolve("disk.qcow2")).boot(new BootSource.FromIso(Path.of("/var/lib/kvm-portal/images/debian-12.iso")))
                        .accelerator(Accelerator.KVM).runDirectory(RUN).build()),
                Arguments.of("kernel-boot-no-nic.args", GuestSpec.builder().name("test.guest_1").uuid(UUID_1).memoryMib(64)
                        .boot(new BootSource.FromKernel(Path.of("/cache/vmlinuz"), Path.of("/cache/initrd.gz"),
                                "console=ttyS0 console=tty1 quiet panic=-1"))
                        .accelerator(Accelerator.TCG).nic(Nic.NONE).runDirectory(Path.of("/tmp/kvmptest-1")).build()),
                Arguments.of("kernel-boot-with-disk.args", GuestSpec.builder().name("t").uuid(UUID_1)
                        .disk(Path.of("/tmp/kvmptest-2/disk.qcow2"))
                        .boot(new BootSource.FromKernel(Path.of("/cache/vmlinuz"), Path.of("/cache/initrd.gz"), ""))
                        .accelerator(Accelerator.TCG).runDirectory(Path.of("/tmp/kvmptest-2")).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void argumentListMatchesTheGoldenFile(String golden, GuestSpec spec) throws IOException {
        assertEquals(golden(golden), QemuCommandLine.argv(spec));
    }

    private static List<String> golden(String name) throws IOException {
        try (InputStream in = QemuCommandLineGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
