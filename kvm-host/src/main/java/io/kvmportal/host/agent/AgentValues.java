package io.kvmportal.host.agent;

import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.host.ImageDoor;
import io.kvmportal.host.account.AccountRefusedException;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.GuestSpec;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.qemu.ProcessView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The agent's checks of the values the portal sends and the conversions between the agent's plain values and
 * kvm-host's: a definition's boot becomes a path here, from an image id the store gave, and nowhere else.
 */
final class AgentValues {

    private AgentValues() {
    }

    static UUID guest(UUID uuid) {
        if (uuid == null) {
            throw Refusals.invalid("a guest's uuid is required");
        }
        return uuid;
    }

    /** The login must name a kvmp- account: refused as INVALID here, before kvm-host is asked anything. */
    static String login(String login) {
        try {
            LinuxAccountName.forLogin(login);
            return login;
        } catch (AccountRefusedException e) {
            throw Refusals.invalid(e.getMessage());
        }
    }

    static String imageId(String id) {
        if (!BaseImage.isId(id)) {
            throw Refusals.invalid("image id " + shown(id) + " is not a lower-case UUID");
        }
        return id;
    }

    /** The definition as kvm-host runs it; its boot image is looked up in the store (NOT_FOUND if not there). */
    static io.kvmportal.host.GuestDefinition definition(GuestDefinition guest, ImageDoor images) {
        if (guest == null || guest.boot() == null || guest.nic() == null) {
            throw Refusals.invalid("a guest definition with its boot and network card is required");
        }
        guest(guest.uuid());
        login(guest.login());
        Nic nic = Nic.valueOf(guest.nic().name());
        // Name and sizes first: a definition QEMU must not see is INVALID before its boot image is looked up.
        GuestSpec.checkDefinition(guest.name(), guest.uuid(), guest.vcpus(), guest.memoryMib(),
                new BootSource.FromDisk(), nic);
        BootSource boot = boot(guest.boot(), guest.bootImageId(), images);
        return new io.kvmportal.host.GuestDefinition(guest.uuid(), guest.name(), guest.login(), guest.vcpus(),
                guest.memoryMib(), boot, nic);
    }

    private static BootSource boot(BootKind kind, String imageId, ImageDoor images) {
        if (kind == BootKind.DISK) {
            if (imageId != null) {
                throw Refusals.invalid("a guest booting its disk names no boot image");
            }
            return new BootSource.FromDisk();
        }
        imageId(imageId);
        return kind == BootKind.CDROM ? images.isoBoot(imageId) : images.kernelBoot(imageId);
    }

    static io.kvmportal.host.image.ImageFormat format(ImageFormat format) {
        if (format == null) {
            throw Refusals.invalid("an image format is required");
        }
        return io.kvmportal.host.image.ImageFormat.valueOf(format.name());
    }

    static ImageFile imageFile(BaseImage image, boolean bootsFromKernel) {
        return new ImageFile(image.id(), ImageFormat.valueOf(image.format().name()), image.virtualSize(),
                image.fileSize(), bootsFromKernel);
    }

    static GuestExit exit(io.kvmportal.host.qemu.GuestExit exit) {
        return new GuestExit(exit.pid(), exit.clean(), exit.reason());
    }

    /** A QEMU as {@code top} shows it; the account's name is its /proc entry's owner's (one NSS lookup, no fork). */
    static GuestProcess process(ProcessView view) {
        String account;
        try {
            account = Files.getOwner(Path.of("/proc", Integer.toString(view.pid()))).getName();
        } catch (IOException | RuntimeException gone) {
            account = Integer.toString(view.uid());
        }
        return new GuestProcess(view.pid(), view.uid(), account, view.state().name(), view.cpuPercent(),
                view.rssBytes(), view.threads(), view.uptime());
    }

    /** A hostile value in a message: cut and without control characters. */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
