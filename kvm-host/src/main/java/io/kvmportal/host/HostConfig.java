package io.kvmportal.host;

import io.kvmportal.host.kvm.Accelerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where this host keeps guests and images, and how it runs them.
 *
 * @param guestsRoot          one directory per guest, {@code <guestsRoot>/<uuid without dashes>/}, root-owned
 *                            above that
 * @param imagesRoot          the image store (see {@link io.kvmportal.host.image.ImageStore})
 * @param installationIdFile  this installation's mark, set on the Linux accounts it creates and required on those it
 *                            removes (see {@link io.kvmportal.host.account.InstallationIdFile}); made on first use
 * @param accelerator         AUTO picks KVM where it can run stock guests, TCG otherwise
 * @param startTimeout        how long QEMU may take until QMP answers
 * @param cgroupParent        the cgroup under which every guest gets its own
 * @param portalScreenSocket  where the portal listens for guests' screens (see {@link Host#handScreen}); null: this
 *                            host hands no screens over, and says so
 * @param portalUid           the uid the portal runs as: a listener at {@code portalScreenSocket} of any other uid is
 *                            not given a screen
 */
public record HostConfig(Path guestsRoot, Path imagesRoot, Path installationIdFile, Accelerator accelerator,
                         Duration startTimeout, String cgroupParent, Path portalScreenSocket, int portalUid) {
    /** The name of {@code installationIdFile} in a data directory. */
    public static final String INSTALLATION_ID = "installation-id";

    public HostConfig {
        Objects.requireNonNull(guestsRoot, "guestsRoot");
        Objects.requireNonNull(imagesRoot, "imagesRoot");
        Objects.requireNonNull(installationIdFile, "installationIdFile");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(cgroupParent, "cgroupParent");
        if (portalScreenSocket != null && (!portalScreenSocket.isAbsolute() || portalUid < 0)) {
            throw new IllegalArgumentException("the portal's screen socket must be an absolute path and its uid not"
                    + " negative: " + portalScreenSocket + ", uid " + portalUid);
        }
    }

    /** Without the portal's screen socket: consoles are not handed over. */
    public HostConfig(Path guestsRoot, Path imagesRoot, Path installationIdFile, Accelerator accelerator,
                      Duration startTimeout, String cgroupParent) {
        this(guestsRoot, imagesRoot, installationIdFile, accelerator, startTimeout, cgroupParent, null, -1);
    }

    /** The same, handing guests' screens to the portal of uid {@code uid} listening at {@code socket}. */
    public HostConfig withPortalScreen(Path socket, int uid) {
        return new HostConfig(guestsRoot, imagesRoot, installationIdFile, accelerator, startTimeout, cgroupParent,
                socket, uid);
    }

    /** The layout below one data directory, with the defaults. */
    public static HostConfig under(Path dataDir) {
        return new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"), dataDir.resolve(INSTALLATION_ID),
                Accelerator.AUTO, Duration.ofSeconds(30), "kvm-portal");
    }
}
