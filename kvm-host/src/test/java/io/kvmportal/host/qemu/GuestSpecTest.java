package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvmportal.host.kvm.Accelerator;

class GuestSpecTest {
    private static final Path RUN = Path.of("/run/kvmp/g1");

    private static GuestSpec.Builder valid() {
        return GuestSpec.builder().name("g1").uuid(UUID.fromString("00000000-0000-4000-8000-000000000001"))
                .disk(RUN.resolve("disk.qcow2")).boot(new BootSource.FromDisk()).accelerator(Accelerator.TCG).runDirectory(RUN);
    }

    private static Arguments bad(String problem, UnaryOperator<GuestSpec.Builder> change) {
        return Arguments.of(problem, change);
    }

    static Stream<Arguments> singleProblems() {
        String longDir = "/" + "d".repeat(100);
        return Stream.of(
                bad("name \"a b\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit", b -> b.name("a b")),
                bad("name \"x,help\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit", b -> b.name("x,help")),
                bad("name \"-x\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit", b -> b.name("-x")),
                bad("name \"\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit", b -> b.name("")),
                bad("name \"" + "n".repeat(64) + "\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit",
                        b -> b.name("n".repeat(64))),
                bad("name null is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit", b -> b.name(null)),
                bad("uuid missing", b -> b.uuid(null)),
                bad("vCPUs 0 below minimum 1", b -> b.vcpus(0)),
                bad("vCPUs 256 above maximum 255", b -> b.vcpus(256)),
                bad("memory 63 MiB below minimum 64 MiB", b -> b.memoryMib(63)),
                bad("memory 1048577 MiB above maximum 1048576 MiB", b -> b.memoryMib(1048577)),
                bad("disk path \"disk.qcow2\" is not absolute", b -> b.disk(Path.of("disk.qcow2"))),
                bad("disk path \"/a/,b\" contains a comma", b -> b.disk(Path.of("/a/,b"))),
                bad("disk path \"/a/../etc/shadow\" has . or .. segments", b -> b.disk(Path.of("/a/../etc/shadow"))),
                bad("disk path \"/a/?b\" contains a control character", b -> b.disk(Path.of("/a/\nb"))),
                bad("boot from disk needs a disk", b -> b.disk(null)),
                bad("boot source missing", b -> b.boot(null)),
                bad("ISO path \"/i/x,file=/etc/shadow\" contains a comma",
                        b -> b.boot(new BootSource.FromIso(Path.of("/i/x,file=/etc/shadow")))),
                bad("boot from ISO needs a disk to install onto", b -> b.disk(null).boot(new BootSource.FromIso(Path.of("/i/d.iso")))),
                bad("kernel path missing", b -> b.boot(new BootSource.FromKernel(null, Path.of("/i"), ""))),
                bad("kernel command line missing (use \"\" for none)", b -> b.boot(new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), null))),
                bad("kernel command line \"a?b\" has characters outside printable ASCII",
                        b -> b.boot(new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "a\u0000b"))),
                bad("kernel command line of 2048 characters above maximum 2047",
                        b -> b.boot(new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "x".repeat(2048)))),
                bad("accelerator AUTO is not KVM or TCG: choose it before building the spec", b -> b.accelerator(Accelerator.AUTO)),
                bad("accelerator null is not KVM or TCG: choose it before building the spec", b -> b.accelerator(null)),
                bad("NIC missing", b -> b.nic(null)),
                bad("run directory path missing", b -> b.runDirectory(null)),
                bad("run directory \"" + longDir + "\" too long: its socket paths take 113 bytes, above the unix socket maximum 107",
                        b -> b.runDirectory(Path.of(longDir))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleProblems")
    void eachRuleNamesTheBadValue(String problem, UnaryOperator<GuestSpec.Builder> change) {
        InvalidGuestSpecException e = assertThrows(InvalidGuestSpecException.class, () -> change.apply(valid()).build());
        assertEquals(List.of(problem), e.problems());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        InvalidGuestSpecException e = assertThrows(InvalidGuestSpecException.class,
                () -> valid().name("bad name").vcpus(0).memoryMib(32).disk(Path.of("rel")).accelerator(Accelerator.AUTO).build());
        assertEquals(List.of(
                "name \"bad name\" is not 1-63 of A-Z a-z 0-9 . _ - starting with a letter or digit",
                "vCPUs 0 below minimum 1",
                "memory 32 MiB below minimum 64 MiB",
                "disk path \"rel\" is not absolute",
                "accelerator AUTO is not KVM or TCG: choose it before building the spec"), e.problems());
        assertEquals("invalid guest spec: " + String.join("; ", e.problems()), e.getMessage());
    }

    @Test
    void validBoundariesAreAccepted() {
        GuestSpec small = valid().vcpus(1).memoryMib(64).name("a").build();
        GuestSpec big = valid().vcpus(255).memoryMib(1048576).name("A" + "z".repeat(62)).build();
        assertEquals(1, small.vcpus());
        assertEquals(1048576, big.memoryMib());
        assertEquals(RUN.resolve("qmp.sock"), small.qmpSocket());
        assertEquals(Nic.USER, small.nic());
    }
}
