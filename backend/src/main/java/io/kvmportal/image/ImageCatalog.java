package io.kvmportal.image;

import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.host.Host;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.ImageFormat;
import io.kvmportal.host.qemu.BootSource;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The images guests start from. Users see published ones; admins also withdrawn ones. Withdrawing keeps the file:
 * existing guests' disks are overlays on it and keep working.
 */
@Singleton
public class ImageCatalog {
    static final String KERNEL_APPEND = "console=tty1 console=ttyS0 quiet";
    private final ImageRepository images;
    private final Host host;
    private final AuditLog audit;
    private final Clock clock;

    ImageCatalog(ImageRepository images, Host host, AuditLog audit, Clock clock) {
        this.images = images;
        this.host = host;
        this.audit = audit;
        this.clock = clock;
    }

    @ReadOnly
    public List<Image> list(Actor actor) {
        return images.findAll(actor.admin());
    }

    /** Every image's name by id, withdrawn ones too: existing guests still show where they came from. */
    @ReadOnly
    public Map<Long, String> names() {
        return images.findAll(true).stream().collect(Collectors.toMap(Image::id, Image::name));
    }

    /** An image a new guest may start from: it exists and is published. */
    @ReadOnly
    public Image requireUsable(long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        if (!image.published()) {
            throw ImageException.withdrawn(image);
        }
        return image;
    }

    /** The image's file in the host's store, for the overlay of a guest's disk. */
    @ReadOnly
    public BaseImage baseImage(long imageId) {
        ImageRepository.StoreRef ref = images.storeRef(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        return new BaseImage(ref.storeId(), ImageFormat.parse(ref.format()), ref.virtualBytes(), ref.fileBytes());
    }

    /** What a new guest's disk is an overlay on: nothing for an installer ISO, whose guests start with an empty disk. */
    @ReadOnly
    public Optional<BaseImage> diskBase(long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        return image.kind() == ImageKind.ISO ? Optional.empty() : Optional.of(baseImage(imageId));
    }

    /** What a guest made from this image boots. */
    @ReadOnly
    public BootSource bootSource(long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        return switch (image.kind()) {
            case DISK -> new BootSource.FromDisk();
            case ISO -> new BootSource.FromIso(host.imagePath(baseImage(imageId)));
            case KERNEL -> host.bootFiles(baseImage(imageId), KERNEL_APPEND);
        };
    }

    @ReadOnly
    boolean hasImageNamed(String name) {
        return images.existsNamed(name);
    }

    /** Records an image the portal itself built and admitted into the host's store. */
    @Transactional
    Image register(Image image, BaseImage stored) {
        long id = images.insert(image, stored.id(), stored.fileSize(), null);
        audit.success(null, "(portal)", AuditAction.IMAGE_PUBLISHED, new AuditTarget("image", id, image.name(), null));
        return images.findById(id).orElseThrow();
    }

    @Transactional
    public void withdraw(Actor actor, long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        audit.record(actor, AuditAction.IMAGE_WITHDRAWN, new AuditTarget("image", imageId, image.name(), null), () -> {
            if (!actor.admin()) {
                throw new ImageException(Fault.FORBIDDEN, "Only an admin may withdraw images.");
            }
            images.withdraw(imageId, clock.instant());
        });
    }
}
