package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.guest.GuestCommandException;
import io.kvmportal.host.guest.RunState;
import io.kvmportal.host.image.GuestDisk;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A guest's account owns its run directory, so after a QEMU escape it may plant anything there: links to host files,
 * files of its own in place of QEMU's. Root (the facade, later the agent) must then reach nothing but the account's
 * own files: no host file read, written or chowned through a planted name.
 */
class HostPlantedFilesTest {
    private static final String SECRET = "root:$6$planted-secret:19000:0:99999:7:::\n";
    private final String login = TestNames.random();
    private final String otherLogin = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    private ScratchHost scratch;
    private Path secret;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        scratch = new ScratchHost(Accelerator.TCG, (guest, exit) -> { });
        host = scratch.host();
        secret = Files.writeString(scratch.dataDir().resolve("shadow"), SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void removeEverything() throws Exception {
        scratch.remove(uuid, login, otherLogin);
    }

    /** qemu.log a link to a host file: root neither chowns that file to the account nor appends QEMU's output. */
    @Test
    void aPlantedQemuLogLinkIsNotFollowedWhenTheGuestStarts() throws Exception {
        GuestDisk disk = host.createDisk(uuid, login, Optional.empty(), 64L << 20);
        LinuxAccount account = host.prepareAccount(login);
        plantLink(disk.path().resolveSibling("qemu.log"), secret, account);

        host.start(guest());

        assertSecretUntouched();
        Path log = disk.path().resolveSibling("qemu.log");
        assertTrue(Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS), "QEMU logs to a file of its own");
        assertEquals(account.uid(), (int) Files.getAttribute(log, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    /** A start that fails answers QEMU's own words, not the content of a host file qemu.log was made to name. */
    @Test
    void aFailedStartDoesNotAnswerTheFileAPlantedQemuLogNames() throws Exception {
        GuestDisk disk = host.createDisk(uuid, login, Optional.empty(), 64L << 20);
        LinuxAccount account = host.prepareAccount(login);
        Files.delete(disk.path());
        Files.writeString(disk.path(), "not a qcow2 image");
        Files.setAttribute(disk.path(), "unix:uid", account.uid());
        plantLink(disk.path().resolveSibling("qemu.log"), secret, account);

        GuestCommandException refused = assertThrows(GuestCommandException.class, () -> host.start(guest()));

        assertFalse(refused.getMessage().contains("planted-secret"), refused.getMessage());
        assertSecretUntouched();
    }

    /** disk.qcow2 a link to a host file: the start fails (QEMU opens it as the account), the file stays as it was. */
    @Test
    void aPlantedDiskLinkReachesNoHostFile() throws Exception {
        GuestDisk disk = host.createDisk(uuid, login, Optional.empty(), 64L << 20);
        LinuxAccount account = host.prepareAccount(login);
        Files.delete(disk.path());
        plantLink(disk.path(), secret, account);

        GuestCommandException refused = assertThrows(GuestCommandException.class, () -> host.start(guest()));

        assertFalse(refused.getMessage().contains("planted-secret"), refused.getMessage());
        assertSecretUntouched();
        host.deleteGuest(uuid, login);
        assertFalse(Files.exists(disk.path().getParent(), LinkOption.NOFOLLOW_LINKS), "the directory is gone");
        assertSecretUntouched();
    }

    /** serial.log a link to a host file: it is not read. */
    @Test
    void aPlantedSerialLogLinkIsNotRead() throws Exception {
        GuestDisk disk = host.createDisk(uuid, login, Optional.empty(), 64L << 20);
        plantLink(disk.path().resolveSibling("serial.log"), secret, host.prepareAccount(login));

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> host.serialLog(uuid, login, 0, 4096));

        assertFalse(refused.getMessage().contains("planted-secret"), refused.getMessage());
    }

    /** Another login's guest: not read, deleted, given a disk or started by a login that is not its owner's. */
    @Test
    void anotherLoginsGuestIsNeitherReadNorDeleted() throws Exception {
        GuestDisk disk = host.createDisk(uuid, login, Optional.empty(), 64L << 20);
        LinuxAccount account = host.prepareAccount(login);
        Path serial = Files.writeString(disk.path().resolveSibling("serial.log"), "owner's console");
        Files.setAttribute(serial, "unix:uid", account.uid());

        for (Executable call : List.<Executable>of(
                () -> host.serialLog(uuid, otherLogin, 0, 4096), () -> host.deleteGuest(uuid, otherLogin),
                () -> host.createDisk(uuid, otherLogin, Optional.empty(), 1L << 20))) {
            assertEquals(GuestCommandException.Kind.NOT_FOUND,
                    assertThrows(GuestCommandException.class, call).kind(), "as if it did not exist");
        }
        assertThrows(GuestCommandException.class, () -> host.start(new GuestDefinition(uuid, "kvmptest-stolen",
                otherLogin, 1, 128, new BootSource.FromDisk(), Nic.NONE)));

        assertTrue(Files.exists(disk.path(), LinkOption.NOFOLLOW_LINKS), "the owner's disk is still there");
        assertEquals("owner's console", Files.readString(serial));
        assertEquals(RunState.NOT_RUNNING, host.state(uuid));
        assertEquals(Optional.empty(), new GuestCgroups(scratch.cgroupParent()).find(uuid.toString()),
                "no cgroup made");
    }

    private GuestDefinition guest() {
        return new GuestDefinition(uuid, "kvmptest-planted", login, 1, 128, new BootSource.FromDisk(), Nic.NONE);
    }

    /** As the account would: a link of its own in its own directory. */
    private static void plantLink(Path link, Path target, LinuxAccount account) throws Exception {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
        Files.setAttribute(link, "unix:uid", account.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(link, "unix:gid", account.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    private void assertSecretUntouched() throws Exception {
        assertEquals(SECRET, Files.readString(secret), "the host file's content");
        assertEquals(0, (int) Files.getAttribute(secret, "unix:uid"), "the host file's owner");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    }
}
