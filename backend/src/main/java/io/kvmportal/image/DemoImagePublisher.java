package io.kvmportal.image;

import io.kvmportal.host.Host;
import io.kvmportal.host.image.BaseImage;
import io.kvmportal.host.image.DemoImageBuilder;
import io.kvmportal.host.image.ImageFormat;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start, builds the demo guest (a tiny Linux from Debian packages) and publishes it, so a newcomer
 * can launch a guest at once. Runs in the background: the portal answers meanwhile, and the image appears when
 * it is ready (about a minute on a fresh machine, seconds after that).
 */
@Singleton
@Requires(property = "portal.images.demo", notEquals = "false")
class DemoImagePublisher implements ApplicationEventListener<StartupEvent> {
    static final String NAME = "Demo: tiny Linux";
    private static final Logger LOG = LoggerFactory.getLogger(DemoImagePublisher.class);
    private final ImageCatalog catalog;
    private final Host host;
    private final Clock clock;
    private final Path cacheRoot;

    /** The built files are cached per machine (by default in ~/.cache/kvm-portal/demo-image): later portals reuse them. */
    DemoImagePublisher(ImageCatalog catalog, Host host, Clock clock,
                       @Property(name = "portal.images.demo-cache", defaultValue = "") String cache) {
        this.catalog = catalog;
        this.host = host;
        this.clock = clock;
        this.cacheRoot = cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "kvm-portal", "demo-image")
                : Path.of(cache);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        Thread builder = new Thread(this::publishIfMissing, "demo-image");
        builder.setDaemon(true);
        builder.start();
    }

    void publishIfMissing() {
        try {
            if (!catalog.hasImageNamed(NAME)) {
                publish();
            }
        } catch (RuntimeException e) {
            LOG.warn("The demo image could not be built; admins can still publish images of their own: {}",
                    e.getMessage());
        }
    }

    private void publish() {
        DemoImageBuilder.DemoFiles files = DemoImageBuilder.buildCached(cacheRoot);
        Path upload = host.incomingImages().resolve("demo.qcow2");
        try {
            Files.copy(files.baseDisk(), upload, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BaseImage base = host.admitImage(upload, ImageFormat.QCOW2, 1L << 30);
        host.admitBootFiles(base, files.kernel(), files.initrd(), ImageCatalog.KERNEL_APPEND);
        Image image = new Image(0, NAME, "A tiny Debian kernel with a busybox shell on the screen and the serial"
                + " console; boots in seconds, even without KVM.", "Linux (Debian kernel, busybox)", ImageKind.KERNEL,
                "qcow2", base.virtualSize(), 128, 1, clock.instant(), null, null);
        catalog.register(image, base);
        LOG.info("Published the demo image '{}'", NAME);
    }
}
