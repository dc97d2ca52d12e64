package io.kvmportal.host;

import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.DemoImage;
import io.kvmportal.host.image.GuestDisks;
import io.kvmportal.host.image.ImageFormat;
import io.kvmportal.host.image.ImageStaging;
import io.kvmportal.host.image.ImageStore;
import io.kvmportal.host.image.UnknownImageException;
import io.kvmportal.host.qemu.BootSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's image store as its callers reach it: by ids only (a staging id for an upload on its way in, an image
 * id for an image in the store), never by a path. Uploads are streamed in and inspected, the demo image is built
 * here, and a guest boots an ISO or kernel of the store named by its image's id. Staged files a crash left are
 * removed when the host starts.
 */
public final class ImageDoor {
    private final ImageStore store;
    private final ImageStaging staging;
    private final GuestDisks disks;
    private final Path guestsRoot;

    ImageDoor(ImageStore store, GuestDisks disks, Path guestsRoot) {
        this.store = store;
        this.staging = new ImageStaging(store);
        this.disks = disks;
        this.guestsRoot = guestsRoot;
        staging.removeLeftovers();
    }

    /** Streams an upload into the store's root-only incoming area; more than {@code maxBytes} is refused. */
    public ImageStaging.Staged stage(InputStream bytes, long maxBytes) {
        return staging.stage(bytes, maxBytes);
    }

    /** Inspects a staged upload and, if it is what it claims to be, keeps it read-only; consumes it either way. */
    public BaseImage admit(String stagingId, ImageFormat format, long maxVirtualBytes) {
        return staging.admit(stagingId, format, maxVirtualBytes);
    }

    public void discard(String stagingId) {
        staging.discard(stagingId);
    }

    /** Builds the demo image (cached under {@code cacheRoot}) and admits it with its kernel and initrd. */
    public BaseImage publishDemo(Path cacheRoot) {
        return DemoImage.publish(store, staging, cacheRoot);
    }

    /** The store's image of that id; an id it never gave is an {@link UnknownImageException}. */
    public BaseImage require(String imageId) {
        return store.find(imageId).orElseThrow(() -> new UnknownImageException("No image " + imageId
                + " in the image store."));
    }

    public boolean bootsFromKernel(BaseImage image) {
        return store.bootsFromKernel(image);
    }

    /** Direct kernel boot from the kernel and initrd kept beside the image, with the demo kernel's command line. */
    public BootSource.FromKernel kernelBoot(String imageId) {
        BaseImage image = require(imageId);
        if (!store.bootsFromKernel(image)) {
            throw new IllegalArgumentException("Image " + imageId + " has no kernel of its own to boot from.");
        }
        return new BootSource.FromKernel(store.kernel(image), store.initrd(image), DemoImage.KERNEL_APPEND);
    }

    /** The image as an installer CD-ROM: it must be an ISO of the store. */
    public BootSource.FromIso isoBoot(String imageId) {
        BaseImage image = require(imageId);
        if (image.format() != ImageFormat.ISO) {
            throw new IllegalArgumentException("Image " + imageId + " is a " + image.format().extension()
                    + " disk, not an ISO to install from.");
        }
        return new BootSource.FromIso(store.path(image));
    }

    /**
     * Deletes an image's file and boot files. Refused (IllegalArgumentException) while a guest's disk is still an
     * overlay on it: that guest's disk would lose its base. Overlays are found from their qcow2 headers.
     */
    public void remove(String imageId) {
        BaseImage image = require(imageId);
        List<Path> users = disks.overlaysOn(image, guestsRoot);
        if (!users.isEmpty()) {
            throw new IllegalArgumentException("Image " + imageId + " is the base of " + users.size()
                    + " guest disk(s); delete those guests first.");
        }
        store.remove(image);
    }
}
