package io.kvmportal.host.agent;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent as a portal that has been taken over would call it (issue 13): every call with hostile values (paths and
 * {@code ../} in ids and names, logins that are no account, negative and huge sizes, ids the store never gave, nulls)
 * is refused with a {@link HostRefusedException} of kind INVALID or NOT_FOUND, and nothing is made: no account, no
 * guest directory, no cgroup, no staged file, no QEMU.
 */
class LocalAgentHostileInputTest {
    private static final long DISK = 64L << 20;
    private static final String[] HOSTILE_IDS = {"../../etc/shadow", "/etc/shadow", "", "..", "x/../../y",
        UUID.randomUUID().toString().toUpperCase(), UUID.randomUUID() + "/../../etc/shadow", UUID.randomUUID() + "\n",
        "a".repeat(100_000), null};
    private final String login = TestNames.random();
    private final String other = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    private ScratchLocalAgent scratch;
    private LocalAgent agent;

    @BeforeEach
    void agent() throws Exception {
        scratch = new ScratchLocalAgent(Accelerator.TCG);
        agent = scratch.agent();
    }

    @AfterEach
    void removeEverything() throws Exception {
        try {
            agent.removeAccount("root"); // a kvmp-root this agent made, were the test to fail; never root
        } finally {
            scratch.remove(uuid, login, other);
        }
    }

    static Stream<String> hostileLogins() {
        return Stream.of("../etc", "kvmp-x/../../", "", "a".repeat(10_000), "ab\0cd", "ab\ncd", "ab cd", "-rf",
                "Root", "/etc/passwd", "/root", "./kvmp-x", "ab:cd", "0", "12345", "kvmp-x/y", null);
    }

    /** A login that names no kvmp- account is INVALID for every call that takes one, before anything happens. */
    @ParameterizedTest
    @MethodSource("hostileLogins")
    void everyCallRefusesALoginThatIsNoAccountName(String hostile) {
        assertAll(Stream.<Executable>of(
                () -> agent.removeAccount(hostile),
                () -> agent.createDisk(uuid, hostile, Optional.empty(), DISK),
                () -> agent.deleteGuest(uuid, hostile),
                () -> agent.serialLog(uuid, hostile, 0, 100),
                () -> agent.handScreen(uuid, hostile, new byte[16]),
                () -> agent.start(definition("kvmptest-guest", hostile, BootKind.DISK, null)),
                () -> agent.reattach(definition("kvmptest-guest", hostile, BootKind.DISK, null)))
                .map(call -> () -> assertRefused(RefusalKind.INVALID, call)));
        assertNothingLeft();
    }

    /**
     * The login "root" names kvmp-root, never root: removing it finds no account (root stays uid 0), and calls that
     * would act for it with a hostile value besides are refused and make no kvmp-root either.
     */
    @Test
    void theLoginRootNeverReachesRoot() {
        assertEquals(AccountRemoval.NO_ACCOUNT, agent.removeAccount("root"));
        assertRefused(RefusalKind.INVALID, () -> agent.createDisk(uuid, "root", Optional.empty(), -1));
        assertRefused(RefusalKind.INVALID, () -> agent.createDisk(uuid, "root", Optional.of("/etc/shadow"), DISK));
        assertRefused(RefusalKind.NOT_FOUND,
                () -> agent.createDisk(uuid, "root", Optional.of(UUID.randomUUID().toString()), DISK));
        assertRefused(RefusalKind.INVALID, () -> agent.start(definition("../../root", "root", BootKind.DISK, null)));
        agent.deleteGuest(uuid, "root");
        assertEquals(Optional.empty(), agent.serialLog(uuid, "root", 0, 100));

        assertEquals(Optional.empty(), LinuxAccounts.lookup(LinuxAccountName.forLogin("root")), "no kvmp-root made");
        assertEquals("0", Command.runChecked(List.of("id", "-u", "root"), Duration.ofSeconds(10)).strip());
        assertNothingLeft();
    }

    /** Image and staging ids that are paths, names with directories, or no lower-case UUID reach no file. */
    @Test
    void idsThatAreNoIdsAreInvalid() throws Exception {
        Path secret = Files.writeString(scratch.dataDir().resolve("secret"), "secret");
        for (String id : HOSTILE_IDS) {
            assertAll(id, Stream.<Executable>of(
                    () -> agent.createDisk(uuid, login, id == null ? null : Optional.of(id), DISK),
                    () -> agent.removeImage(id),
                    () -> agent.admitImage(id, ImageFormat.QCOW2, 1L << 30),
                    () -> agent.discardStaged(id),
                    () -> agent.start(definition("kvmptest-guest", login, BootKind.KERNEL, id)),
                    () -> agent.start(definition("kvmptest-guest", login, BootKind.CDROM, id)),
                    () -> agent.reattach(definition("kvmptest-guest", login, BootKind.KERNEL, id)))
                    .map(call -> () -> assertRefused(RefusalKind.INVALID, call)));
            assertNothingLeft();
        }
        assertRefused(RefusalKind.INVALID, () -> agent.admitImage("../../secret", ImageFormat.RAW, 1L << 30));
        assertEquals("secret", Files.readString(secret));
        assertEquals(0, (int) Files.getAttribute(Path.of("/etc/shadow"), "unix:uid"));
    }

    /** A well-formed id the store never gave (another store's, made up) is NOT_FOUND, before anything is made. */
    @Test
    void idsTheStoreNeverGaveAreNotFound() {
        String foreign = UUID.randomUUID().toString();
        assertAll(Stream.<Executable>of(
                () -> agent.createDisk(uuid, login, Optional.of(foreign), DISK),
                () -> agent.removeImage(foreign),
                () -> agent.admitImage(foreign, ImageFormat.QCOW2, 1L << 30),
                () -> agent.start(definition("kvmptest-guest", login, BootKind.KERNEL, foreign)),
                () -> agent.start(definition("kvmptest-guest", login, BootKind.CDROM, foreign)))
                .map(call -> () -> assertRefused(RefusalKind.NOT_FOUND, call)));
        agent.discardStaged(foreign);
        assertNothingLeft();
    }

    /** An image of the store booted as what it is not (a disk as an ISO, one without a kernel by its kernel). */
    @Test
    void anImageBootedAsWhatItIsNotIsInvalid() throws Exception {
        Path qcow2 = TestImages.qcow2(scratch.dataDir().resolve("small.qcow2"), 1 << 20);
        ImageFile image = agent.admitImage(agent.stageImage(Files.newInputStream(qcow2), 1 << 30).stagingId(),
                ImageFormat.QCOW2, 1L << 30);
        assertFalse(image.bootsFromKernel());

        assertRefused(RefusalKind.INVALID, () -> agent.start(definition("g", login, BootKind.CDROM, image.imageId())));
        assertRefused(RefusalKind.INVALID, () -> agent.start(definition("g", login, BootKind.KERNEL, image.imageId())));
        assertRefused(RefusalKind.INVALID, () -> agent.start(definition("g", login, BootKind.DISK, image.imageId())));
        assertNothingLeft();
    }

    /** Sizes no disk, upload, read or wait can have, and guests QEMU must never see. */
    @Test
    void sizesAndGuestValuesOutOfBoundsAreInvalid() {
        for (long size : new long[] {-1, 0, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62}) {
            assertRefused(RefusalKind.INVALID, () -> agent.createDisk(uuid, login, Optional.empty(), size));
            assertRefused(RefusalKind.INVALID, () -> agent.stageImage(new ByteArrayInputStream(new byte[8]), size));
            assertRefused(RefusalKind.INVALID, () -> agent.admitImage(UUID.randomUUID().toString(),
                    ImageFormat.RAW, size <= 0 ? size : -size));
        }
        for (int bytes : new int[] {-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertRefused(RefusalKind.INVALID, () -> agent.serialLog(uuid, login, 0, bytes));
        }
        for (Duration grace : Arrays.asList(Duration.ofSeconds(-1), Duration.ofDays(365), null)) {
            assertRefused(RefusalKind.INVALID, () -> agent.shutdown(uuid, grace));
        }
        for (int[] size : new int[][] {{0, 128}, {-1, 128}, {Integer.MAX_VALUE, 128}, {1, 0}, {1, -128},
                {1, Integer.MAX_VALUE}}) {
            assertRefused(RefusalKind.INVALID, () -> agent.start(new GuestDefinition(uuid, "kvmptest-g", login,
                    size[0], size[1], BootKind.DISK, null, Nic.NONE)));
        }
        for (String name : Arrays.asList("a,b", "guest,debug-threads=on", "../../etc", "-name", "a\nb", "", null,
                "x".repeat(100_000))) {
            assertRefused(RefusalKind.INVALID, () -> agent.start(definition(name, login, BootKind.DISK, null)));
        }
        assertRefused(RefusalKind.INVALID, () -> agent.handScreen(uuid, login, new byte[1 << 20]));
        assertNothingLeft();
    }

    /** An upload past its limit is TOO_LARGE, and its partial file is gone. */
    @Test
    void anUploadPastItsLimitIsTooLargeAndLeavesNothing() {
        assertRefused(RefusalKind.TOO_LARGE, () -> agent.stageImage(new ByteArrayInputStream(new byte[4097]), 4096));
        assertNothingLeft();
    }

    /** Nulls where a value is required: INVALID, not a NullPointerException that reads as the agent failing. */
    @Test
    void nullsAreInvalid() {
        assertAll(Stream.<Executable>of(
                () -> agent.createDisk(null, login, Optional.empty(), DISK),
                () -> agent.createDisk(uuid, login, null, DISK),
                () -> agent.start(null), () -> agent.reattach(null),
                () -> agent.start(new GuestDefinition(null, "g", login, 1, 128, BootKind.DISK, null, Nic.NONE)),
                () -> agent.start(new GuestDefinition(uuid, "g", login, 1, 128, null, null, Nic.NONE)),
                () -> agent.start(new GuestDefinition(uuid, "g", login, 1, 128, BootKind.DISK, null, null)),
                () -> agent.shutdown(null, Duration.ZERO), () -> agent.forceOff(null), () -> agent.pause(null),
                () -> agent.resume(null), () -> agent.reboot(null), () -> agent.screenshot(null),
                () -> agent.serialLog(null, login, 0, 10), () -> agent.deleteGuest(null, login),
                () -> agent.handScreen(uuid, login, null), () -> agent.handScreen(null, login, new byte[8]),
                () -> agent.stageImage(null, 10), () -> agent.admitImage(UUID.randomUUID().toString(), null, 10),
                () -> agent.processes(null), () -> agent.processes(Arrays.asList(uuid, null)),
                () -> agent.watch(null))
                .map(call -> () -> assertRefused(RefusalKind.INVALID, call)));
        assertNothingLeft();
    }

    /** Commands for a guest that does not run (a uuid the portal made up) are NOT_RUNNING, and nothing starts. */
    @Test
    void commandsForAGuestThatDoesNotRunAreRefused() {
        assertRefused(RefusalKind.NOT_FOUND, () -> agent.start(definition("kvmptest-guest", login, BootKind.DISK,
                null)));
        assertFalse(agent.reattach(definition("kvmptest-guest", login, BootKind.DISK, null)));
        assertAll(Stream.<Executable>of(() -> agent.shutdown(uuid, Duration.ofSeconds(1)), () -> agent.forceOff(uuid),
                () -> agent.pause(uuid), () -> agent.resume(uuid), () -> agent.reboot(uuid),
                () -> agent.screenshot(uuid))
                .map(call -> () -> assertRefused(RefusalKind.NOT_RUNNING, call)));
        assertEquals(java.util.Map.of(), agent.processes(List.of(uuid, UUID.randomUUID())));
        assertNothingLeft();
    }

    /**
     * Another login's guest is NOT_FOUND, as the portal shows it, with words and no stack trace in the agent's log:
     * its disk, serial log and directory stay the other account's, and no account is made for the caller.
     */
    @Test
    void anotherLoginsGuestIsNotFound() throws Exception {
        agent.createDisk(uuid, other, Optional.empty(), DISK);
        Path dir = scratch.dataDir().resolve("guests").resolve(uuid.toString().replace("-", ""));
        Files.writeString(dir.resolve("serial.log"), "the other's secrets");
        Files.setAttribute(dir.resolve("serial.log"), "unix:uid", Files.getAttribute(dir, "unix:uid"));

        assertAll(Stream.<Executable>of(() -> agent.createDisk(uuid, login, Optional.empty(), DISK),
                () -> agent.serialLog(uuid, login, 0, 100), () -> agent.deleteGuest(uuid, login))
                .map(call -> () -> assertEquals("Guest " + uuid + " is not a guest of kvmp-" + login + ".",
                        assertThrows(HostRefusedException.class, call, "refused").getMessage())));
        assertRefused(RefusalKind.NOT_FOUND, () -> agent.serialLog(uuid, login, 0, 100));
        assertEquals(Optional.empty(), LinuxAccounts.lookup(LinuxAccountName.forLogin(login)), "no account made");
        assertTrue(Files.exists(dir.resolve("disk.qcow2"), LinkOption.NOFOLLOW_LINKS), "the other's disk stays");
        assertEquals("the other's secrets", Files.readString(dir.resolve("serial.log")));
        assertEquals("the other's secrets", new String(agent.serialLog(uuid, other, 0, 100).orElseThrow().bytes(),
                java.nio.charset.StandardCharsets.UTF_8), "the owner still reads it");
    }

    private GuestDefinition definition(String name, String owner, BootKind boot, String imageId) {
        return new GuestDefinition(uuid, name, owner, 1, 128, boot, imageId, Nic.NONE);
    }

    /** Refused by the agent with {@code kind} and words. */
    private static void assertRefused(RefusalKind kind, Executable call) {
        HostRefusedException refused = assertThrows(HostRefusedException.class, call);
        assertEquals(kind, refused.kind(), refused.getMessage());
        assertFalse(refused.getMessage().isBlank());
        assertTrue(refused.getMessage().length() <= 2100, "words, cut: " + refused.getMessage().length());
    }

    private void assertNothingLeft() {
        assertEquals(Optional.empty(), LinuxAccounts.lookup(LinuxAccountName.forLogin(login)), "no account made");
        Path guests = scratch.dataDir().resolve("guests");
        assertFalse(Files.exists(guests.resolve(uuid.toString().replace("-", "")), LinkOption.NOFOLLOW_LINKS),
                "no guest directory made");
        assertEquals(Optional.empty(), new GuestCgroups(scratch.cgroupParent()).find(uuid.toString()),
                "no cgroup made");
        assertEquals(java.util.Map.of(), agent.processes(List.of(uuid)), "no QEMU started");
        try (Stream<Path> incoming = Files.list(scratch.dataDir().resolve("images").resolve("incoming"))) {
            assertEquals(List.of(), incoming.toList(), "no staged file left");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
