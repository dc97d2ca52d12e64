package io.kvmportal.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.account.AccountRemoval;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.guest.RunState;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.GuestDisk;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestExit;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.AsAccount;
import io.kvmportal.host.testing.KvmHostKind;
import io.kvmportal.host.testing.TestGuestImage;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestNames;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade end to end, as the portal uses it: a portal login becomes an account with /dev/kvm access (where the
 * host has the device), the test guest's disk is admitted as a base image, the guest gets an overlay, runs as the
 * account in its own cgroup with the accelerator AUTO gives on this kind of host (KVM where /dev/kvm runs stock
 * guests, TCG on the nested PVM device or without a device), shuts down, and is deleted, and the account is removed,
 * leaving nothing behind.
 */
class HostGuestLifecycleTest {
    private final LinkedBlockingQueue<GuestExit> exits = new LinkedBlockingQueue<>();
    private final String login = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    @TempDir
    Path portalDir;
    private ScratchHost scratch;
    private Host host;

    @BeforeEach
    void host() throws Exception {
        scratch = new ScratchHost(io.kvmportal.host.kvm.Accelerator.AUTO, (guest, exit) -> exits.add(exit),
                portalDir.resolve("screens.sock"), (Integer) Files.getAttribute(portalDir, "unix:uid"));
        host = scratch.host();
    }

    @AfterEach
    void removeEverything() throws Exception {
        scratch.remove(uuid, login);
    }

    @Test
    void aGuestLivesAndDiesAsItsOwnersProcessInItsOwnCgroup() throws Exception {
        BaseImage base = host.images().publishDemo(TestGuestImage.cacheRoot());
        BootSource.FromKernel boot = host.images().kernelBoot(base.id());

        GuestDisk disk = host.createDisk(uuid, login, Optional.of(base), 64L << 20);
        int uid = (int) Files.getAttribute(disk.path(), "unix:uid");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(disk.path())));

        int pid = host.start(new GuestDefinition(uuid, "kvmptest-life", login, 1, 128, boot, Nic.USER));
        assertEquals(uid, host.processView(uuid).orElseThrow().uid(), "QEMU runs as the disk's owner");
        KvmHostKind kind = KvmHostKind.observed();
        LinuxAccount account = LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).orElseThrow();
        assertEquals(kind != KvmHostKind.NO_DEVICE, AsAccount.canReadWrite(account.uid(), account.gid(),
                KvmHostKind.DEVICE.toString()), kind + ": the account may open /dev/kvm where there is one");
        assertEquals(kind == KvmHostKind.KVM ? "kvm" : "tcg", accelerator(pid), kind.toString());
        assertTrue(Files.readString(Path.of("/proc", Integer.toString(pid), "cgroup")).contains(uuid.toString()),
                "QEMU is in its guest's cgroup");
        awaitBanner(disk.path().resolveSibling("serial.log"));
        assertEquals(RunState.RUNNING, host.state(uuid));
        assertEquals("RFB 003.008\n", vncGreeting(), "the screen is QEMU's VNC server, handed to the portal");

        GuestExit exit = host.shutdown(uuid, Duration.ofSeconds(60));
        assertTrue(exit.clean(), exit.toString());
        assertEquals(exit, exits.poll(5, TimeUnit.SECONDS));
        IllegalArgumentException inUse = assertThrows(IllegalArgumentException.class,
                () -> host.images().remove(base.id()), "the guest's disk is an overlay on the image");
        assertTrue(inUse.getMessage().contains("base of 1 guest disk"), inUse.getMessage());
        host.deleteGuest(uuid, login);
        assertFalse(Files.exists(disk.path().getParent()), "the guest's directory is gone");
        assertTrue(Files.exists(boot.kernel()), "the base image stays for other guests");
        host.images().remove(base.id());
        assertFalse(Files.exists(boot.kernel()) || Files.exists(boot.initrd()), "its boot files go with it");
        assertEquals(AccountRemoval.REMOVED, host.removeAccount(login), "the account goes once its guests have");
    }

    /** A guest whose QEMU ended while no portal watched it is not re-attached at the next start, and its cgroup goes. */
    @Test
    void aGuestThatEndedWhileNobodyWatchedLeavesNoCgroup() {
        GuestCgroups cgroups = new GuestCgroups(scratch.cgroupParent());
        cgroups.create(uuid.toString(), 256L << 20, GuestCgroups.CPU_PERIOD_MICROS);

        assertFalse(host.reattach(new GuestDefinition(uuid, "kvmptest-gone", login, 1, 128, new BootSource.FromDisk(),
                Nic.USER)));

        assertEquals(Optional.empty(), cgroups.find(uuid.toString()));
    }

    /** The accelerator QEMU runs with: its {@code -accel} argument up to the first option, as the kernel has it. */
    private static String accelerator(int pid) throws Exception {
        List<String> argv = List.of(Files.readString(Path.of("/proc", Integer.toString(pid), "cmdline")).split("\0"));
        return argv.get(argv.indexOf("-accel") + 1).split(",")[0];
    }

    /** The guest's screen handed over as the portal gets it: the ticket, then QEMU's protocol version. */
    private String vncGreeting() throws Exception {
        byte[] ticket = new byte[io.kvmportal.agent.HostAgent.SCREEN_TICKET_BYTES];
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(portalDir.resolve("screens.sock")));
            host.handScreen(uuid, login, ticket);
            try (SocketChannel vnc = listener.accept()) {
                ByteBuffer greeting = ByteBuffer.allocate(ticket.length + 12);
                while (greeting.hasRemaining() && vnc.read(greeting) >= 0) {
                    // the ticket, then QEMU's protocol version
                }
                return new String(greeting.array(), ticket.length, 12, StandardCharsets.US_ASCII);
            } finally {
                Files.deleteIfExists(portalDir.resolve("screens.sock"));
            }
        }
    }

    private static void awaitBanner(Path serialLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(serialLog) && Files.readString(serialLog).contains("PORTAL-TEST-GUEST READY")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no banner in " + serialLog + " within 90 s");
    }
}
