package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.AccountRefusedException;
import io.kvmportal.host.account.AccountRemoval;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.guest.RunState;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.ImageFormat;
import io.kvmportal.host.image.ImageRefusedException;
import io.kvmportal.host.image.UnknownImageException;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.InvalidGuestSpecException;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The facade as a portal that has been taken over would call it (issue 13: the agent distrusts the portal): every
 * public method with hostile values, each refused with an exception that names the value, before anything happens:
 * no account made, no guest directory, no cgroup, no QEMU. Files a guest's account plants in its run directory are
 * in {@link HostPlantedFilesTest}.
 */
class HostHostileInputTest {
    private static final long DISK = 64L << 20;
    private final String login = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    private ScratchHost scratch;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        scratch = new ScratchHost(Accelerator.TCG, (guest, exit) -> { });
        host = scratch.host();
    }

    @AfterEach
    void removeEverything() throws Exception {
        scratch.remove(uuid, login);
    }

    static Stream<String> hostileLogins() {
        return Stream.of("../etc", "kvmp-x/../../", "", "a".repeat(10_000), "ab\0cd", "ab\ncd", "ab\rcd", "ab cd",
                "räksmörgås", "kvmptest-\u0430", "-rf", "Root", "/etc/passwd", "ab,cd", "ab:cd", "0", "12345", null);
    }

    /** A login that cannot name a kvmp- account is refused by every method that takes one, before it acts. */
    @ParameterizedTest
    @MethodSource("hostileLogins")
    void everyMethodRefusesALoginThatIsNoAccountName(String hostile) {
        assertAll(Stream.<Executable>of(
                () -> host.prepareAccount(hostile),
                () -> host.removeAccount(hostile),
                () -> host.createDisk(uuid, hostile, Optional.empty(), DISK),
                () -> host.deleteGuest(uuid, hostile),
                () -> host.serialLog(uuid, hostile, 0, 100),
                () -> host.handScreen(uuid, hostile, new byte[io.kvmportal.agent.HostAgent.SCREEN_TICKET_BYTES]),
                () -> host.start(definition("kvmptest-guest", hostile, 1, 128, new BootSource.FromDisk())),
                () -> host.reattach(definition("kvmptest-guest", hostile, 1, 128, new BootSource.FromDisk())))
                .map(call -> () -> assertThrows(AccountRefusedException.class, call)));
        assertFalse(Files.exists(scratch.dataDir().resolve("guests").resolve(dirName(uuid))), "no guest directory");
    }

    /** "root" is a login like any other: its account is kvmp-root, never root, and root is never removed. */
    @Test
    void theLoginRootNamesKvmpRootAndRemovingItLeavesRootAlone() {
        assertEquals("kvmp-root", LinuxAccountName.forLogin("root").value());
        assertTrue(LinuxAccounts.lookup(LinuxAccountName.forLogin("root")).isEmpty(), "no kvmp-root on this host");

        assertEquals(AccountRemoval.NO_ACCOUNT, host.removeAccount("root"));

        assertEquals("0", Command.runChecked(List.of("id", "-u", "root"), Duration.ofSeconds(10)).strip());
    }

    /** An account of a kvmp- name this installation did not make (an administrator's) stays. */
    @Test
    void anUnmarkedAccountIsNotRemoved() {
        String name = LinuxAccountName.forLogin(login).value();
        Command.runChecked(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name),
                Duration.ofSeconds(30));

        assertEquals(AccountRemoval.LEFT_UNMARKED, host.removeAccount(login));

        assertTrue(LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).isPresent(), "the account is still there");
    }

    static Stream<Arguments> hostileGuests() {
        BootSource disk = new BootSource.FromDisk();
        return Stream.of(
                Arguments.of("a\nb", 1, 128, disk), Arguments.of("a,b", 1, 128, disk),
                Arguments.of("guest,debug-threads=on", 1, 128, disk), Arguments.of("a=b", 1, 128, disk),
                Arguments.of("x".repeat(64), 1, 128, disk), Arguments.of("x".repeat(100_000), 1, 128, disk),
                Arguments.of("", 1, 128, disk), Arguments.of(null, 1, 128, disk), Arguments.of("-name", 1, 128, disk),
                Arguments.of("../../etc", 1, 128, disk), Arguments.of("g\u00e4st", 1, 128, disk),
                Arguments.of("ok", 0, 128, disk), Arguments.of("ok", -1, 128, disk),
                Arguments.of("ok", Integer.MAX_VALUE, 128, disk), Arguments.of("ok", Integer.MIN_VALUE, 128, disk),
                Arguments.of("ok", 1, 0, disk), Arguments.of("ok", 1, -128, disk),
                Arguments.of("ok", 1, Integer.MAX_VALUE, disk), Arguments.of("ok", 1, Integer.MIN_VALUE, disk),
                Arguments.of("ok", 1, 128, null),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "a\n-device x")),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "\0")),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), "x".repeat(4096))),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("/k"), Path.of("/i"), null)),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("k"), Path.of("/i"), "")),
                Arguments.of("ok", 1, 128, new BootSource.FromKernel(Path.of("/a/../k"), Path.of("/i,x=y"), "")),
                Arguments.of("ok", 1, 128, new BootSource.FromIso(null)));
    }

    /**
     * Names (QEMU's -name takes a key=value list), sizes and boot values QEMU must never see are refused when the
     * definition is made: so {@link Host#start} cannot have made the owner's account or the guest's cgroup first.
     */
    @ParameterizedTest
    @MethodSource("hostileGuests")
    void aGuestDefinitionWithAValueQemuMustNotSeeCannotBeMade(String name, int vcpus, int memoryMib, BootSource boot) {
        InvalidGuestSpecException refused = assertThrows(InvalidGuestSpecException.class,
                () -> definition(name, login, vcpus, memoryMib, boot));

        assertFalse(refused.problems().isEmpty());
        assertTrue(refused.getMessage().length() < 1000, "the message names the value, cut: " + refused.getMessage());
    }

    /** Direct kernel boot and ISOs only from the image store: no host file reaches QEMU, nothing is made first. */
    @Test
    void bootFilesOutsideTheStoreAreRefusedBeforeAnythingIsMade() {
        Path store = scratch.dataDir().resolve("images");
        String fake = UUID.randomUUID().toString();
        List<BootSource> hostile = List.of(
                new BootSource.FromKernel(Path.of("/etc/shadow"), Path.of("/etc/passwd"), ""),
                new BootSource.FromKernel(Path.of("/boot/vmlinuz"), store.resolve(fake + ".initrd"), ""),
                new BootSource.FromKernel(store.resolve(fake + ".vmlinuz"), store.resolve(fake + ".initrd"), ""),
                new BootSource.FromKernel(store.resolve("incoming").resolve(fake + ".vmlinuz"),
                        store.resolve(fake + ".initrd"), ""),
                new BootSource.FromIso(Path.of("/etc/shadow")),
                new BootSource.FromIso(store.resolve(fake + ".iso")),
                new BootSource.FromIso(scratch.dataDir().resolve(HostConfig.INSTALLATION_ID)));

        for (BootSource boot : hostile) {
            ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                    () -> host.start(definition("kvmptest-boot", login, 1, 128, boot)), boot.toString());
            assertEquals(ImageRefusedException.Reason.OUTSIDE_STORE, refused.reason(), refused.getMessage());
            assertNothingLeft();
        }
    }

    /** Sizes no disk can have are refused before the account or the guest's directory exist. */
    @Test
    void diskSizesThatNoDiskCanHaveAreRefusedBeforeAnythingIsMade() {
        for (long size : new long[] {-1, 0, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62}) {
            assertThrows(IllegalArgumentException.class, () -> host.createDisk(uuid, login, Optional.empty(), size),
                    Long.toString(size));
            assertNothingLeft();
        }
    }

    /** An image id the store never gave (or one of another store) reaches no file, and nothing is made. */
    @Test
    void anImageThatIsNotInTheStoreIsRefusedBeforeAnythingIsMade() {
        ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                () -> host.createDisk(uuid, login, Optional.of(image(UUID.randomUUID())), DISK));

        assertEquals(ImageRefusedException.Reason.OUTSIDE_STORE, refused.reason(), refused.getMessage());
        assertNothingLeft();
    }

    /** An image id is a UUID the store generated: a path, a name with a directory, or an upper-case UUID is none. */
    @Test
    void anImageIdThatIsAPathCannotBeMade() {
        for (String id : new String[] {"../../etc/shadow", "/etc/shadow", "", "..", "x/../../y",
                UUID.randomUUID().toString().toUpperCase(), UUID.randomUUID() + "/../../etc/shadow",
                UUID.randomUUID() + "\n", null}) {
            assertThrows(IllegalArgumentException.class, () -> new BaseImage(id, ImageFormat.QCOW2, 1, 1), id);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new BaseImage(UUID.randomUUID().toString(), ImageFormat.QCOW2, -1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new BaseImage(UUID.randomUUID().toString(), ImageFormat.QCOW2, 1, 0));
    }

    /**
     * Uploads are admitted by the staging id the host gave, never by a path: an id that is a path, or names a host
     * file, reaches no file; a well-formed id the host never gave is unknown; an image id must be one of the store.
     */
    @Test
    void uploadsAndImagesAreNamedByIdsThatReachNoHostFile() throws Exception {
        Path secret = Files.writeString(scratch.dataDir().resolve("secret"), "secret");
        for (String id : new String[] {"/etc/shadow", secret.toString(), "../../secret", "../secret", "", null,
                UUID.randomUUID().toString().toUpperCase(), UUID.randomUUID() + "/../../secret"}) {
            assertThrows(IllegalArgumentException.class, () -> host.images().admit(id, ImageFormat.RAW, 1L << 30),
                    id);
            assertThrows(IllegalArgumentException.class, () -> host.images().discard(id), id);
            assertThrows(IllegalArgumentException.class, () -> host.images().remove(id), id);
            assertThrows(IllegalArgumentException.class, () -> host.images().kernelBoot(id), id);
        }
        String unknown = UUID.randomUUID().toString();
        assertThrows(UnknownImageException.class, () -> host.images().admit(unknown, ImageFormat.RAW, 1L << 30));
        assertThrows(UnknownImageException.class, () -> host.images().remove(unknown));
        assertThrows(UnknownImageException.class, () -> host.images().isoBoot(unknown));
        assertEquals("secret", Files.readString(secret));
        assertEquals(0, (int) Files.getAttribute(Path.of("/etc/shadow"), "unix:uid"));
    }

    /** Commands for a guest that does not run (a uuid the portal made up) are refused, and nothing starts. */
    @Test
    void commandsForAGuestThatDoesNotRunAreRefused() {
        assertAll(Stream.<Executable>of(() -> host.shutdown(uuid, Duration.ofSeconds(1)), () -> host.forceOff(uuid),
                () -> host.pause(uuid), () -> host.resume(uuid), () -> host.reboot(uuid), () -> host.screenshot(uuid))
                .map(call -> () -> assertThrows(io.kvmportal.host.guest.GuestCommandException.class, call)));
        assertEquals(RunState.NOT_RUNNING, host.state(uuid));
        assertEquals(Optional.empty(), host.processView(uuid));
    }

    /** The portal names owners by login only: no public method takes a uid (which would reach any account). */
    @Test
    void noPublicMethodTakesAUid() {
        for (java.lang.reflect.Method method : Host.class.getMethods()) {
            assertFalse(List.of(method.getParameterTypes()).contains(io.kvmportal.host.qemu.RunAs.class),
                    method.toString());
        }
    }

    private GuestDefinition definition(String name, String owner, int vcpus, int memoryMib, BootSource boot) {
        return new GuestDefinition(uuid, name, owner, vcpus, memoryMib, boot, Nic.NONE);
    }

    private static BaseImage image(UUID id) {
        return new BaseImage(id.toString(), ImageFormat.QCOW2, 1L << 20, 1L << 20);
    }

    private void assertNothingLeft() {
        assertEquals(Optional.empty(), LinuxAccounts.lookup(LinuxAccountName.forLogin(login)), "no account made");
        assertFalse(Files.exists(scratch.dataDir().resolve("guests").resolve(dirName(uuid)), LinkOption.NOFOLLOW_LINKS),
                "no guest directory made");
        assertEquals(Optional.empty(), new GuestCgroups(scratch.cgroupParent()).find(uuid.toString()),
                "no cgroup made");
        assertEquals(RunState.NOT_RUNNING, host.state(uuid), "no QEMU started");
    }

    private static String dirName(UUID guest) {
        return guest.toString().replace("-", "");
    }
}
