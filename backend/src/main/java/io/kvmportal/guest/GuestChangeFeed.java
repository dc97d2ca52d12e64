package io.kvmportal.guest;

import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells open pages that guests changed, so they show it without asking. {@link GuestRegistry} publishes a
 * {@link GuestChanged} inside its transaction; this hears it only after the commit (a page that re-reads sees the
 * change) and hands it to subscribers on a thread of its own, so a slow page never holds up the request or the
 * host event that caused the change.
 */
@Singleton
public class GuestChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(GuestChangeFeed.class);
    private final List<Consumer<GuestChanged>> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "guest-change-feed");
        thread.setDaemon(true);
        return thread;
    });

    /** Subscribes until the returned handle is run. */
    public Runnable subscribe(Consumer<GuestChanged> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @TransactionalEventListener
    void onCommitted(GuestChanged changed) {
        delivery.execute(() -> {
            for (Consumer<GuestChanged> subscriber : subscribers) {
                try {
                    subscriber.accept(changed);
                } catch (RuntimeException e) {
                    LOG.warn("A subscriber failed on {}: {}", changed, e.toString());
                }
            }
        });
    }

    int subscriberCount() {
        return subscribers.size();
    }

    @PreDestroy
    void close() {
        delivery.shutdownNow();
    }
}
