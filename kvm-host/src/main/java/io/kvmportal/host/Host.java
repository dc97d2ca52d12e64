package io.kvmportal.host;

import io.kvmportal.host.account.AccountRemoval;
import io.kvmportal.host.account.InstallationIdFile;
import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.account.LoginLocks;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.guest.GuestCommandException;
import io.kvmportal.host.guest.GuestExitListener;
import io.kvmportal.host.guest.GuestSupervisor;
import io.kvmportal.host.guest.RunState;
import io.kvmportal.host.guest.RunStateListener;
import io.kvmportal.host.guest.ScreenHandOver;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.GuestDisk;
import io.kvmportal.host.image.GuestDisks;
import io.kvmportal.host.image.ImageFormat;
import io.kvmportal.host.image.ImageStore;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.kvm.AcceleratorChoice;
import io.kvmportal.host.kvm.GuestFileReader;
import io.kvmportal.host.kvm.KvmProbe;
import io.kvmportal.host.kvm.KvmStatus;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestExit;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.ProcessView;
import io.kvmportal.host.qemu.QemuCommandLine;
import io.kvmportal.host.qemu.QemuVersion;
import io.kvmportal.host.qemu.RunAs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade the host agent ({@link io.kvmportal.host.agent.LocalAgent}) calls: accounts and their /dev/kvm access,
 * images (by id, through {@link #images()}), guests' disks, and guests' QEMU processes, each in its own cgroup. The
 * portal never sees it: it reaches the agent, which checks every value before it calls here.
 */
public final class Host implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Host.class);
    private static final long CPU_PERIOD = GuestCgroups.CPU_PERIOD_MICROS;
    private final HostConfig config;
    private final KvmProbe kvmProbe;
    private final LinuxAccounts accounts;
    private final KvmAccess kvmAccess;
    private final LoginLocks loginLocks = new LoginLocks();
    private final ImageStore images;
    private final ImageDoor imageDoor;
    private final GuestDisks disks;
    private final GuestCgroups cgroups;
    private final GuestSupervisor supervisor;

    public Host(HostConfig config, GuestExitListener listener) {
        this(config, listener, (guest, state) -> { });
    }

    /** Told of a guest's QEMU ending and, from its QMP events, of its pausing and resuming. */
    public Host(HostConfig config, GuestExitListener listener, RunStateListener runStates) {
        this(config, listener, runStates, new KvmProbe(), new KvmAccess());
    }

    /** For tests: the probe and the grants on a node of the test's own instead of /dev/kvm. */
    Host(HostConfig config, GuestExitListener listener, KvmProbe kvmProbe, KvmAccess kvmAccess) {
        this(config, listener, (guest, state) -> { }, kvmProbe, kvmAccess);
    }

    private Host(HostConfig config, GuestExitListener listener, RunStateListener runStates, KvmProbe kvmProbe,
                 KvmAccess kvmAccess) {
        this.config = config;
        this.kvmProbe = kvmProbe;
        this.kvmAccess = kvmAccess;
        this.accounts = new LinuxAccounts(InstallationIdFile.loadOrCreate(config.installationIdFile()));
        this.images = ImageStore.open(config.imagesRoot());
        this.disks = new GuestDisks(images);
        this.imageDoor = new ImageDoor(images, disks, config.guestsRoot());
        this.cgroups = new GuestCgroups(config.cgroupParent());
        this.supervisor = new GuestSupervisor((uuid, exit) -> {
            cgroups.destroy(uuid.toString());
            listener.exited(uuid, exit);
        }, config.startTimeout(), runStates);
    }

    /** What this host offers, as the portal process sees it. */
    public HostReport report() {
        KvmStatus kvm = kvmProbe.probe();
        return new HostReport(kvm, AcceleratorChoice.choose(config.accelerator(), kvm),
                QemuVersion.installed(QemuCommandLine.BINARY));
    }

    /**
     * The accelerator a guest running as {@code account} gets. /dev/kvm is probed with that account's
     * credentials, not the portal's: root can always open it, QEMU as the account may not (no ACL entry
     * yet, or the node was recreated and lost it). Explicit KVM that cannot work is refused here,
     * before a QEMU is started that would fail. Not public: a caller's uid would have root run the probe as any
     * account; guests' owners are found from their logins.
     */
    AcceleratorChoice chooseAccelerator(Accelerator requested, RunAs account) {
        if (requested == Accelerator.TCG) {
            return AcceleratorChoice.tcgRequested();
        }
        return AcceleratorChoice.choose(requested, kvmProbe.probeAs(account.uid(), account.gid()));
    }

    /**
     * The owner's Linux account, created when first needed, with read-write access to /dev/kvm. One login's
     * changes happen one at a time (see {@link LoginLocks}), so parallel first calls all answer the one account.
     */
    public LinuxAccount prepareAccount(String login) {
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        return loginLocks.locked(name, () -> {
            LinuxAccount account = accounts.ensure(name);
            kvmAccess.grant(account.name());
            return account;
        });
    }

    /**
     * Takes the login's account off the host if this installation created it: its /dev/kvm entry first, so no later
     * account with its uid inherits it, then the account and its group. Any other account of that name (an
     * administrator's, another portal's, one from before accounts were marked) stays, /dev/kvm entry and all, and
     * the answer says why. Refused with userdel's words while a process still runs as it: stop the login's guests
     * first.
     */
    public AccountRemoval removeAccount(String login) {
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        AccountRemoval removal = loginLocks.locked(name, () -> accounts.remove(name, () -> kvmAccess.revoke(name)));
        if (removal.leftInPlace()) {
            LOG.info("Left the Linux account {} of login {} in place: {}", name, login, removal.reason());
        }
        return removal;
    }

    /** The image store, by ids: uploads, the demo image, images guests boot, their removal. */
    public ImageDoor images() {
        return imageDoor;
    }

    /**
     * The guest's disk: an overlay on {@code base}, or empty (for an ISO install), owned by its account. Under the
     * login's lock from the account to the disk, so no removal of the account comes between its uid and the chown.
     */
    public GuestDisk createDisk(UUID guest, String login, Optional<BaseImage> base, long sizeBytes) {
        GuestDisks.checkSize(sizeBytes);
        base.ifPresent(images::require);
        requireNotAnothers(guest, LinuxAccountName.forLogin(login));
        return loginLocks.locked(LinuxAccountName.forLogin(login), () -> {
            LinuxAccount owner = prepareAccount(login);
            Path dir = guestDirectory(guest);
            return base.isPresent() ? disks.createOverlay(base.get(), dir, owner, sizeBytes)
                    : disks.createEmpty(dir, owner, sizeBytes);
        });
    }

    /** Starts the guest's QEMU as its account, in a cgroup sized from the guest, and answers its pid. */
    public int start(GuestDefinition guest) {
        checkBootFiles(guest.boot());
        if (!hasDisk(guest.uuid())) {
            throw new GuestCommandException(GuestCommandException.Kind.START_FAILED, "Guest " + guest.uuid()
                    + " has no disk on this host; its disk is made first.");
        }
        LinuxAccount owner = prepareAccount(guest.login());
        checkDiskOwner(guest.uuid(), owner);
        GuestSpec spec = spec(guest, owner);
        long memoryLimit = (guest.memoryMib() + overheadMib(spec)) * 1024L * 1024L;
        cgroups.create(guest.uuid().toString(), memoryLimit, guest.vcpus() * CPU_PERIOD);
        try {
            return supervisor.start(spec, Optional.of(owner.runAs()),
                    pid -> cgroups.join(guest.uuid().toString(), pid)).pid();
        } catch (RuntimeException e) {
            cgroups.destroy(guest.uuid().toString());
            throw e;
        }
    }

    /**
     * After a portal restart: true if the guest's QEMU kept running and is watched again. One that ended while no
     * portal watched it had nobody to remove its cgroup then; it goes now.
     */
    public boolean reattach(GuestDefinition guest) {
        // A guest without a directory never ran here: nothing to find, and no account to make for it.
        if (Files.isDirectory(guestDirectory(guest.uuid()), LinkOption.NOFOLLOW_LINKS)
                && supervisor.reattach(spec(guest, prepareAccount(guest.login())))) {
            return true;
        }
        try {
            cgroups.destroy(guest.uuid().toString());
        } catch (RuntimeException e) {
            // The guest is not running all the same: a cgroup that will not go must not keep it "running".
            LOG.warn("Cannot remove the cgroup of guest {}: {}", guest.uuid(), e.getMessage());
        }
        return false;
    }

    public GuestExit shutdown(UUID guest, Duration grace) {
        return supervisor.shutdown(guest, grace);
    }

    /** Presses the power button and answers at once with the pid of the QEMU it was pressed on. */
    public int pressPowerButton(UUID guest) {
        return supervisor.pressPowerButton(guest);
    }

    /** Forces the guest off if the QEMU of {@code pid} still runs it; empty if that QEMU ended already. */
    public Optional<GuestExit> forceOffIfStill(UUID guest, int pid) {
        return supervisor.forceOffIfStill(guest, pid);
    }

    public GuestExit forceOff(UUID guest) {
        return supervisor.forceOff(guest);
    }

    public void pause(UUID guest) {
        supervisor.pause(guest);
    }

    public void resume(UUID guest) {
        supervisor.resume(guest);
    }

    public void reboot(UUID guest) {
        supervisor.reboot(guest);
    }

    public byte[] screenshot(UUID guest) {
        return supervisor.screenshot(guest, guestDirectory(guest));
    }

    /**
     * What the guest wrote to its serial port (this run or the last), from byte {@code from} on, at most
     * {@code maxBytes}; a negative {@code from} gives the tail. Empty before the guest first started.
     */
    public Optional<GuestFileReader.Chunk> serialLog(UUID guest, String login, long from, int maxBytes) {
        LinuxAccountName account = LinuxAccountName.forLogin(login);
        requireNotAnothers(guest, account);
        Path log = guestDirectory(guest).resolve("serial.log");
        if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(GuestFileReader.read(log, account.value(), from, maxBytes));
    }

    public RunState state(UUID guest) {
        return supervisor.state(guest);
    }

    public Optional<ProcessView> processView(UUID guest) {
        return supervisor.processView(guest);
    }

    /** Whether the guest has a disk here (made by {@link #createDisk}), as a file of its own, not a link. */
    public boolean hasDisk(UUID guest) {
        return Files.exists(guestDirectory(guest).resolve(GuestDisks.DISK), LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes a stopped guest's disk and directory; nothing (no account made either) if it has none. */
    public void deleteGuest(UUID guest, String login) {
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        requireNotAnothers(guest, name);
        if (supervisor.runningGuests().contains(guest)) {
            throw new GuestCommandException(GuestCommandException.Kind.ALREADY_RUNNING,
                    "The guest is running; stop it before deleting it.");
        }
        loginLocks.locked(name, () -> {
            Path dir = guestDirectory(guest);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                disks.deleteGuestDirectory(dir, prepareAccount(login));
            }
        });
    }

    /** Stops watching guests; they keep running for the next portal to re-attach. */
    @Override
    public void close() {
        supervisor.close();
    }

    /**
     * QEMU runs as the account's uid now; a disk another uid owns (a file restored by hand, an account made anew
     * after its disks) would fail to open with a bare "Permission denied" deep in QEMU's log. Say it plainly.
     */
    private void checkDiskOwner(UUID guest, LinuxAccount owner) {
        Path disk = guestDirectory(guest).resolve(GuestDisks.DISK);
        int uid;
        try {
            uid = (Integer) Files.getAttribute(disk, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return; // No disk (or none readable): QEMU's own error says so.
        }
        if (uid != owner.uid()) {
            throw new GuestCommandException(GuestCommandException.Kind.START_FAILED, "The guest's disk belongs to uid "
                    + uid + ", not to its account " + owner.name() + " (uid " + owner.uid()
                    + "), so the guest cannot open it; an administrator must give the disk back to the account.");
        }
    }

    /** A guest boots files of the image store only: no other host file is handed to QEMU. */
    private void checkBootFiles(BootSource boot) {
        if (boot instanceof BootSource.FromIso iso) {
            images.requireFile(iso.iso(), ImageFormat.ISO.extension());
        } else if (boot instanceof BootSource.FromKernel kernel) {
            images.requireFile(kernel.kernel(), "vmlinuz");
            images.requireFile(kernel.initrd(), "initrd");
        }
    }

    private GuestSpec spec(GuestDefinition guest, LinuxAccount owner) {
        Path dir = guestDirectory(guest.uuid());
        AcceleratorChoice accelerator = chooseAccelerator(config.accelerator(), owner.runAs());
        return GuestSpec.builder().name(guest.name()).uuid(guest.uuid()).vcpus(guest.vcpus())
                .memoryMib(guest.memoryMib()).disk(dir.resolve(GuestDisks.DISK)).boot(guest.boot())
                .accelerator(accelerator.accelerator()).nic(guest.nic()).runDirectory(dir).build();
    }

    /**
     * {@code <guests>/<uuid without dashes>}. Flat and short on purpose: QEMU's sockets live inside, and a unix
     * socket path may not exceed 107 bytes. The guests directory is root's, 0711: accounts pass, never list.
     */
    private Path guestDirectory(UUID guest) {
        try {
            if (!Files.isDirectory(config.guestsRoot())) {
                Files.createDirectories(config.guestsRoot());
            }
            Files.setPosixFilePermissions(config.guestsRoot(), PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + config.guestsRoot(), e);
        }
        return config.guestsRoot().resolve(guest.toString().replace("-", ""));
    }

    /**
     * QEMU's own memory next to the guest's: device models, I/O buffers, page tables, and under TCG its translation
     * cache. Measured here: a 128 MiB TCG guest's QEMU holds about 300 MiB with an unbounded cache.
     */
    private static long overheadMib(GuestSpec spec) {
        long translation = spec.accelerator() == Accelerator.TCG ? QemuCommandLine.TCG_TRANSLATION_CACHE_MIB : 0;
        return 160 + translation + spec.memoryMib() / 8;
    }

    /**
     * Hands the running guest's screen to the portal (see {@link ScreenHandOver}): connects to the portal's screen
     * socket of this host's configuration, checks that the portal's uid listens there, writes {@code ticket}, and
     * gives the connection to the guest's QEMU as a VNC client. The guest must run as the login's account.
     */
    public void handScreen(UUID guest, String login, byte[] ticket) {
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        ScreenHandOver.requireTicket(ticket);
        if (config.portalScreenSocket() == null) {
            throw new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED, "Consoles are unavailable: this"
                    + " host was started without the portal's screen socket (the agent's --screen-socket).");
        }
        requireRunningAs(guest, name);
        try (SocketChannel portal = ScreenHandOver.connectToPortal(config.portalScreenSocket(), config.portalUid(),
                ticket)) {
            supervisor.handScreen(guest, portal);
        } catch (IOException e) {
            // Closing the agent's copy failed; QEMU holds its own, and the portal has the other end.
            LOG.warn("Cannot close the agent's copy of guest {}'s screen socket: {}", guest, e.getMessage());
        }
    }

    /**
     * A running guest whose QEMU runs as the login's account: the portal names the login, the host checks it. The run
     * directory is the account's (root made it so; the account cannot give it away), so QEMU's uid is checked
     * against its owner, and the owner against the login's account by name (getpwnam in the JDK: no getent spawned
     * for each console).
     */
    private void requireRunningAs(UUID guest, LinuxAccountName name) {
        Optional<ProcessView> view = supervisor.runningGuests().contains(guest) ? supervisor.processView(guest)
                : Optional.empty();
        if (view.isEmpty() || view.get().state().gone()) {
            throw new GuestCommandException(GuestCommandException.Kind.NOT_RUNNING, "The guest is not running.");
        }
        Path dir = guestDirectory(guest);
        boolean theirs;
        try {
            theirs = ownedBy(dir, name)
                    && (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) == view.get().uid();
        } catch (IOException gone) {
            theirs = false;
        }
        if (!theirs) {
            throw new GuestCommandException(GuestCommandException.Kind.NOT_RUNNING,
                    "The guest does not run as " + name + ", so its screen is not that login's.");
        }
    }

    /**
     * A guest whose directory another account owns is not found for this login (as the portal shows another user's
     * guest): refused in words before its disk, serial log or directory is touched, not as a failure of the host.
     */
    private void requireNotAnothers(UUID guest, LinuxAccountName name) {
        Path dir = guestDirectory(guest);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !ownedBy(dir, name)) {
            throw new GuestCommandException(GuestCommandException.Kind.NOT_FOUND, "Guest " + guest
                    + " is not a guest of " + name + ".");
        }
    }

    /** Whether the login's account owns {@code dir}, looked up by name in the JDK (getpwnam: no getent spawned). */
    private static boolean ownedBy(Path dir, LinuxAccountName name) {
        try {
            UserPrincipal account = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(name.value());
            return account.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException noSuchAccountOrDirectory) {
            return false;
        }
    }
}
