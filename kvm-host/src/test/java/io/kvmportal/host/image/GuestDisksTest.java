package io.kvmportal.host.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kvmportal.host.account.InstallationId;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.Command;
import io.kvmportal.host.testing.AsAccount;
import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;

/** Guest disks for real kvmptest-* accounts, checked by qemu-img and by children running as the accounts. */
class GuestDisksTest {
    private static final Logger LOG = LoggerFactory.getLogger(GuestDisksTest.class);
    private static final long MIB = 1L << 20;

    private final LinuxAccounts accounts = new LinuxAccounts(InstallationId.random());
    private final List<LinuxAccountName> created = new ArrayList<>();
    private Path top;
    private Path guests;
    private ImageStore store;
    private GuestDisks disks;
    private BaseImage base;

    @BeforeEach
    void createStoreAndBase() throws IOException {
        top = TestNames.tempDirectory();
        // Accounts must reach the base image (store 0711, image 0444) and their own run directories.
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwx--x--x"));
        guests = Files.createDirectory(top.resolve("guests"));
        Files.setPosixFilePermissions(guests, PosixFilePermissions.fromString("rwx--x--x"));
        store = ImageStore.open(top.resolve("images"));
        disks = new GuestDisks(store);
        base = store.admit(TestImages.qcow2(store.incoming().resolve("base.qcow2"), 64 * MIB), ImageFormat.QCOW2, 1L << 30);
    }

    @AfterEach
    void deleteEverything() throws IOException {
        try {
            TestNames.deleteTree(top);
        } finally {
            for (LinuxAccountName name : created) {
                Command.run(List.of("userdel", name.value()), Duration.ofSeconds(30));
            }
        }
    }

    private LinuxAccount newAccount() {
        LinuxAccountName name = LinuxAccountName.of(TestNames.random());
        created.add(name);
        return accounts.ensure(name);
    }

    @Test
    void overlayIsTheOwnersOnlyAndBacksOntoTheReadOnlyBase() throws IOException {
        LinuxAccount owner = newAccount();
        Path dir = guests.resolve("g1");

        long started = System.nanoTime();
        GuestDisk disk = disks.createOverlay(base, dir, owner, 128 * MIB);
        LOG.info("overlay creation (qemu-img create + chmod as the owner) took {} ms", (System.nanoTime() - started) / 1_000_000);

        assertEquals(new GuestDisk(dir.resolve("disk.qcow2"), 128 * MIB, Optional.of(base.id())), disk);
        assertOwnedPrivately(disk.path(), owner, "rw-------");
        assertOwnedPrivately(dir, owner, "rwx------");
        JsonNode info = qemuImgInfo(disk.path());
        assertEquals(store.path(base).toString(), info.path("backing-filename").asText());
        assertEquals("qcow2", info.path("backing-filename-format").asText());
        assertEquals(128 * MIB, info.path("virtual-size").asLong());
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.path(base))));
        assertEquals(0, Files.getAttribute(store.path(base), "unix:uid"));
        assertTrue(AsAccount.canReadWrite(owner.uid(), owner.gid(), disk.path().toString()));
        assertTrue(AsAccount.canRead(owner.uid(), owner.gid(), store.path(base).toString()));
        assertFalse(AsAccount.canReadWrite(owner.uid(), owner.gid(), store.path(base).toString()));
    }

    @Test
    void emptyDiskHasNoBackingFile() throws IOException {
        LinuxAccount owner = newAccount();

        GuestDisk disk = disks.createEmpty(guests.resolve("installer"), owner, 256 * MIB);

        assertEquals(Optional.empty(), disk.baseImageId());
        assertOwnedPrivately(disk.path(), owner, "rw-------");
        JsonNode info = qemuImgInfo(disk.path());
        assertFalse(info.has("backing-filename"));
        assertEquals(256 * MIB, info.path("virtual-size").asLong());
    }

    @Test
    void oneAccountCannotReadAnothersDiskOrListItsDirectory() {
        LinuxAccount a = newAccount();
        LinuxAccount b = newAccount();
        GuestDisk diskOfB = disks.createOverlay(base, guests.resolve("guest-of-b"), b, 64 * MIB);
        Path dirOfB = diskOfB.path().getParent();

        assertFalse(AsAccount.canRead(a.uid(), a.gid(), diskOfB.path().toString()));
        assertNotEquals(0, AsAccount.run(a.uid(), a.gid(), "/usr/bin/ls", dirOfB.toString()).exitCode());
        assertNotEquals(0, AsAccount.run(a.uid(), a.gid(), "/usr/bin/qemu-img", "info", "-f", "qcow2",
                diskOfB.path().toString()).exitCode());
        assertTrue(AsAccount.canRead(b.uid(), b.gid(), diskOfB.path().toString()));
    }

    @Test
    void aSymlinkPlantedAsTheDiskIsNeverFollowed() throws IOException {
        LinuxAccount owner = newAccount();
        Path victim = TestImages.raw(top.resolve("root-file"), 4096);
        Path dir = guests.resolve("planted");
        disks.createEmpty(dir, owner, MIB);
        disks.deleteDisk(dir);
        Files.createSymbolicLink(dir.resolve("disk.qcow2"), victim);

        assertThrows(IllegalStateException.class, () -> disks.createOverlay(base, dir, owner, 64 * MIB));

        assertEquals(4096, Files.size(victim));
        assertEquals(0, Files.getAttribute(victim, "unix:uid"));
        assertTrue(disks.deleteDisk(dir), "the link itself is removed");
        assertTrue(Files.exists(victim));
    }

    @Test
    void deleteRemovesTheDiskAndThenTheDirectory() {
        LinuxAccount owner = newAccount();
        Path dir = guests.resolve("short-lived");
        disks.createOverlay(base, dir, owner, 64 * MIB);

        assertTrue(disks.deleteDisk(dir));
        assertFalse(disks.deleteDisk(dir));
        disks.createEmpty(dir, owner, MIB);
        disks.deleteGuestDirectory(dir, owner);

        assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(store.path(base)), "the base image stays");
    }

    @Test
    void refusesAnIsoBaseASmallerSizeAndAParentOthersMayWrite() throws IOException {
        LinuxAccount owner = newAccount();
        BaseImage iso = store.admit(TestImages.iso(store.incoming().resolve("i.iso"), MIB), ImageFormat.ISO, 1L << 30);
        Path open = Files.createDirectory(top.resolve("world-writable"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThrows(IllegalArgumentException.class, () -> disks.createOverlay(iso, guests.resolve("x"), owner, MIB));
        assertThrows(IllegalArgumentException.class, () -> disks.createOverlay(base, guests.resolve("x"), owner, MIB));
        assertThrows(IllegalStateException.class, () -> disks.createEmpty(open.resolve("x"), owner, MIB));
        assertFalse(Files.exists(guests.resolve("x")));
    }

    private static void assertOwnedPrivately(Path path, LinuxAccount owner, String mode) throws IOException {
        assertEquals(owner.uid(), Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(owner.gid(), Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
    }

    private static JsonNode qemuImgInfo(Path disk) throws IOException {
        return new ObjectMapper().readTree(Command.runChecked(List.of("qemu-img", "info", "--output=json", "-f", "qcow2",
                disk.toString()), Duration.ofSeconds(30)));
    }
}
