package io.kvmportal.image;

import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.agentlink.AgentFaults;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import io.kvmportal.persistence.DataAccessException;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.time.Clock;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images guests start from. Users see published ones; admins also withdrawn ones. Withdrawing keeps the file
 * while guests use it (their disks are overlays on it, an ISO sits in their CD drive, the demo image's guests boot its
 * kernel) and deletes it, with its boot files, once none does: at once, or when the last such guest is deleted.
 *
 * <p>Publishing, for an upload or a file read from the server alike: (1) the admin and the metadata are checked
 * before a byte arrives; (2) {@link ImageUploads} streams the bytes to the host agent, which stages them under an id
 * it chose; (3) the agent inspects the staged file and, if it is what the admin said, keeps it in its store; (4) the
 * image is recorded, with its audit entry, in one transaction. Whatever fails on the way is audited with its reason
 * and leaves no file: not staged, not in the store.
 */
@Singleton
public class ImageCatalog {
    private static final long GIB = 1L << 30;
    private static final String PORTAL = "(portal)";
    private static final Logger LOG = LoggerFactory.getLogger(ImageCatalog.class);
    private final ImageRepository images;
    private final ImageUploads uploads;
    private final HostAgent agent;
    private final AuditLog audit;
    private final Clock clock;
    private final long maxVirtualSize;

    ImageCatalog(ImageRepository images, ImageUploads uploads, HostAgent agent, AuditLog audit, Clock clock,
                 ImageConfiguration configuration) {
        this.images = images;
        this.uploads = uploads;
        this.agent = agent;
        this.audit = audit;
        this.clock = clock;
        this.maxVirtualSize = configuration.getMaxVirtualSize();
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

    /**
     * In the caller's transaction, the one that records a new guest: locks the image's row if it is still published,
     * so that a withdrawal waits until the guest is recorded and then counts it, rather than deleting the file
     * under a guest about to be made from it; refuses like {@link #requireUsable} otherwise.
     */
    @Transactional
    public void holdUsable(long imageId) {
        if (!images.lockPublished(imageId)) {
            throw ImageException.withdrawn(images.findById(imageId)
                    .orElseThrow(() -> ImageException.notFound(imageId)));
        }
    }

    /** The id of the image's file in the host's store (the agent chose it when it admitted the file). */
    @ReadOnly
    public String storeId(long imageId) {
        return images.storeRef(imageId).orElseThrow(() -> ImageException.notFound(imageId)).storeId();
    }

    /** What a new guest's disk is an overlay on: nothing for an installer ISO, whose guests start with empty disks. */
    @ReadOnly
    public Optional<String> diskBase(long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        return image.kind() == ImageKind.ISO ? Optional.empty() : Optional.of(storeId(imageId));
    }

    /** What a guest boots: its disk, or an image of the store ({@code imageId}: the ISO, or the kernel's image). */
    public record Boot(BootKind kind, @Nullable String imageId) {
    }

    /** What a guest made from this image boots. */
    @ReadOnly
    public Boot boot(long imageId) {
        Image image = images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
        return switch (image.kind()) {
            case DISK -> new Boot(BootKind.DISK, null);
            case ISO -> new Boot(BootKind.CDROM, storeId(imageId));
            case KERNEL -> new Boot(BootKind.KERNEL, storeId(imageId));
        };
    }

    /** How many guests (of any user) each image has; admins only. */
    @ReadOnly
    public Map<Long, Long> guestCounts(Actor actor) {
        requireAdmin(actor);
        return images.guestCounts();
    }

    /** Admin, valid metadata, free name: checked before any file arrives, and again by {@link #publish}. */
    @ReadOnly
    public void checkPublishable(Actor actor, NewImage request) {
        requireAdmin(actor);
        request.validated();
        if (images.publishedNameTaken(request.name())) {
            throw ImageException.nameTaken(request.name());
        }
    }

    /** Publishes an upload already staged (received by {@link ImageUploads#receive}); consumes it. */
    public Image publish(Actor actor, NewImage request, StagedImage staged, String shownName) {
        try {
            return publishing(actor, request, () -> staged, shownName);
        } finally {
            uploads.discard(staged);
        }
    }

    /** Publishes an upload whose metadata came first, streaming its body to the agent's staging area. */
    public Image publishUpload(Actor actor, NewImage request, InputStream body, long declaredLength) {
        return publishing(actor, request, () -> uploads.receive(actor, body, declaredLength),
                String.valueOf(request.name()));
    }

    /** Publishes a copy of a file in an import directory of the server, read by the portal; the file is left alone. */
    public Image publishFromServer(Actor actor, NewImage request, String serverPath) {
        return publishing(actor, request, () -> uploads.copyFromServer(actor, serverPath), String.valueOf(serverPath));
    }

    private interface Arrival {
        StagedImage staged();
    }

    private Image publishing(Actor actor, NewImage request, Arrival arrival, String shownName) {
        StagedImage staged = null;
        ImageFile admitted = null;
        try {
            checkPublishable(actor, request);
            staged = arrival.staged();
            admitted = admit(staged, request, shownName);
            Image image = record(actor, request, admitted);
            admitted = null;
            return image;
        } catch (PortalException refused) {
            audit.failure(actor.id(), actor.login(), AuditAction.IMAGE_PUBLISHED,
                    new AuditTarget("image", null, String.valueOf(request.name()), null), refused.getMessage());
            throw refused;
        } finally {
            uploads.discard(staged);
            if (admitted != null) {
                removeQuietly(admitted.imageId());
            }
        }
    }

    private ImageFile admit(StagedImage staged, NewImage request, String shownName) {
        try {
            return agent.admitImage(staged.stagingId(), ImageFormat.valueOf(request.format().toUpperCase(Locale.ROOT)),
                    maxVirtualSize);
        } catch (HostRefusedException refused) {
            if (refused.kind() == RefusalKind.IMAGE_REFUSED) {
                throw ImageException.invalid(RefusalWords.of(refused, staged.stagingId(), shownName,
                        request.format()));
            }
            throw new ImageException(AgentFaults.fault(refused), "Could not inspect or keep the image: "
                    + refused.getMessage());
        } catch (HostUnreachableException e) {
            throw AgentFaults.unreachable(e);
        } catch (RuntimeException e) {
            throw new ImageException(Fault.HOST_FAILED, "Could not inspect or keep the image: " + e.getMessage());
        }
    }

    /** An admitted file whose recording failed goes again; the agent's own failure to remove it is only logged. */
    private void removeQuietly(String storeId) {
        try {
            agent.removeImage(storeId);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the image file {} whose publication failed: {}", storeId, e.getMessage());
        }
    }

    /** A bootable disk needs at least its own size; an ISO's guest gets an empty disk of any size. */
    @Transactional
    Image record(Actor actor, NewImage request, ImageFile stored) {
        int minDisk = request.kind() == ImageKind.DISK
                ? (int) Math.max(request.minDiskGib(), (stored.virtualBytes() + GIB - 1) / GIB) : request.minDiskGib();
        Image image = new Image(0, request.name(), request.descriptionText(), request.os(), request.kind(),
                request.format(), stored.virtualBytes(), request.minMemoryMib(), minDisk, clock.instant(), null, null);
        long id;
        try {
            id = images.insert(image, stored.imageId(), stored.fileBytes(), actor.id());
        } catch (DataAccessException e) {
            throw e.isUniqueViolation() ? ImageException.nameTaken(request.name()) : e;
        }
        audit.success(actor.id(), actor.login(), AuditAction.IMAGE_PUBLISHED,
                new AuditTarget("image", id, image.name(), null));
        return images.findById(id).orElseThrow();
    }

    static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ImageException.forbidden("Only an admin may publish or withdraw images.");
        }
    }

    @ReadOnly
    boolean hasImageNamed(String name) {
        return images.existsNamed(name);
    }

    /** Records an image the host agent built and admitted into its store at the portal's request. */
    @Transactional
    Image register(Image image, ImageFile stored) {
        long id = images.insert(image, stored.imageId(), stored.fileBytes(), null);
        audit.success(null, PORTAL, AuditAction.IMAGE_PUBLISHED, new AuditTarget("image", id, image.name(), null));
        return images.findById(id).orElseThrow();
    }

    /** Refuses non-admins before looking the image up, so they learn neither which ids exist nor their names. */
    @Transactional
    public void withdraw(Actor actor, long imageId) {
        String name = actor.admin()
                ? images.findById(imageId).map(Image::name).orElse("#" + imageId) : "#" + imageId;
        audit.record(actor, AuditAction.IMAGE_WITHDRAWN, new AuditTarget("image", imageId, name, null), () -> {
            requireAdmin(actor);
            images.findById(imageId).orElseThrow(() -> ImageException.notFound(imageId));
            images.withdraw(imageId, clock.instant());
        });
        removeFileIfUnused(imageId);
    }

    /**
     * Deletes a withdrawn image's file and boot files from the host's store if no guest uses it any more; does
     * nothing for a published image, one in use, or one already removed. Answers whether it deleted the file.
     * Audited as the portal's own act (whoever deleted the last guest did not choose it); a failure is audited and
     * logged, never thrown (the withdrawal or the guest's deletion that led here stands), and the file stays marked
     * as kept, for the next try: the file goes first and the mark after, so the mark never claims a file is gone.
     */
    @Transactional
    public boolean removeFileIfUnused(long imageId) {
        Optional<ImageRepository.StoreRef> ref = images.lockWithdrawnFile(imageId);
        if (ref.isEmpty() || images.guestCount(imageId) > 0) {
            return false;
        }
        AuditTarget target = new AuditTarget("image", imageId,
                images.findById(imageId).map(Image::name).orElse("#" + imageId), null);
        ImageRepository.StoreRef file = ref.get();
        try {
            agent.removeImage(file.storeId());
        } catch (RuntimeException e) {
            LOG.warn("Could not delete the file of withdrawn image {}: {}", target.name(), e.getMessage());
            audit.failure(null, PORTAL, AuditAction.IMAGE_FILE_REMOVED, target, String.valueOf(e.getMessage()));
            return false;
        }
        images.markFileRemoved(imageId, clock.instant());
        audit.success(null, PORTAL, AuditAction.IMAGE_FILE_REMOVED, target);
        LOG.info("Deleted the file of withdrawn image {}: no guest uses it", target.name());
        return true;
    }

    /** Withdrawn images' files that no guest uses, left by a portal that stopped before deleting them. */
    @ReadOnly
    public List<Long> withdrawnWithFile() {
        return images.withdrawnWithFile();
    }
}
