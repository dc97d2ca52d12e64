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
 */
public record HostConfig(Path guestsRoot, Path imagesRoot, Path installationIdFile, Accelerator accelerator,
                         Duration startTimeout, String cgroupParent) {
    /** The name of {@code installationIdFile} in a data directory. */
    public static final String INSTALLATION_ID = "installation-id";

    public HostConfig {
        Objects.requireNonNull(guestsRoot, "guestsRoot");
        Objects.requireNonNull(imagesRoot, "imagesRoot");
        Objects.requireNonNull(installationIdFile, "installationIdFile");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(cgroupParent, "cgroupParent");
    }

    /** The layout below one data directory, with the defaults. */
    public static HostConfig under(Path dataDir) {
        return new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"), dataDir.resolve(INSTALLATION_ID),
                Accelerator.AUTO, Duration.ofSeconds(30), "kvm-portal");
    }
}
