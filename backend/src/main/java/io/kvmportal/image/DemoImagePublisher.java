package io.kvmportal.image;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agentlink.AgentLink;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start, has the host agent build the demo guest (a tiny Linux from Debian packages, booted from its own
 * kernel) and publishes it, so a newcomer can launch a guest at once. Runs in the background: the portal answers
 * meanwhile, and the image appears when it is ready (about a minute on a fresh machine, seconds after that, as the
 * agent caches what it built).
 */
@Singleton
@Requires(property = "portal.images.demo", notEquals = "false")
class DemoImagePublisher implements ApplicationEventListener<StartupEvent> {
    static final String NAME = "Demo: tiny Linux";
    private static final Logger LOG = LoggerFactory.getLogger(DemoImagePublisher.class);
    private final ImageCatalog catalog;
    private final HostAgent agent;
    private final Clock clock;
    private final AgentLink link;

    DemoImagePublisher(ImageCatalog catalog, HostAgent agent, Clock clock, AgentLink link) {
        this.catalog = catalog;
        this.agent = agent;
        this.clock = clock;
        this.link = link;
    }

    /** Now, and again whenever the agent comes back: a portal that started while its agent was away gets it later. */
    @Override
    public void onApplicationEvent(StartupEvent event) {
        link.subscribe(reachable -> {
            if (reachable) {
                inBackground();
            }
        });
        inBackground();
    }

    private void inBackground() {
        Thread builder = new Thread(this::publishIfMissing, "demo-image");
        builder.setDaemon(true);
        builder.start();
    }

    /** One at a time: a second try waits for the first and then finds the image published. */
    synchronized void publishIfMissing() {
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
        ImageFile file = agent.publishDemoImage();
        Image image = new Image(0, NAME, "A tiny Debian kernel with a busybox shell on the screen and the serial"
                + " console; boots in seconds, even without KVM.", "Linux (Debian kernel, busybox)", ImageKind.KERNEL,
                "qcow2", file.virtualBytes(), 128, 1, clock.instant(), null, null);
        catalog.register(image, file);
        LOG.info("Published the demo image '{}'", NAME);
    }
}
