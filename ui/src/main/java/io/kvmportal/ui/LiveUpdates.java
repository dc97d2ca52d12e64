package io.kvmportal.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps open pages current without the browser asking (the app shell enables server push): work runs off the
 * request thread, and its result reaches the page through {@link UI#access}, which takes the session's lock. A view
 * ties its subscriptions to being attached, so a closed tab stops costing anything.
 */
@Singleton
public class LiveUpdates {
    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
    private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "page-updates");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Runs {@code refresh} on the page every {@code interval} while {@code view} is attached, and subscribes it to
     * whatever {@code subscribe} connects it to (answering the handle that ends that subscription).
     */
    public void whileAttached(Component view, Duration interval, Runnable refresh,
                              java.util.function.Function<Runnable, Runnable> subscribe) {
        view.addAttachListener(attach -> {
            UI ui = attach.getUI();
            Runnable onPage = () -> access(ui, refresh);
            List<Runnable> endings = new ArrayList<>();
            ScheduledFuture<?> ticks = workers.scheduleWithFixedDelay(onPage, interval.toMillis(),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
            endings.add(() -> ticks.cancel(false));
            endings.add(subscribe.apply(onPage));
            Registration[] detach = new Registration[1];
            detach[0] = view.addDetachListener(detached -> {
                endings.forEach(Runnable::run);
                detach[0].remove();
            });
        });
    }

    /**
     * Runs a slow action off the request thread, so the page never freezes, then shows its outcome on the page.
     * Expected refusals arrive as the exception the action threw.
     */
    public <T> void inBackground(UI ui, java.util.function.Supplier<T> action, Consumer<T> done,
                                 Consumer<RuntimeException> failed) {
        workers.execute(() -> {
            T result;
            try {
                result = action.get();
            } catch (RuntimeException e) {
                access(ui, () -> failed.accept(e));
                return;
            }
            access(ui, () -> done.accept(result));
        });
    }

    private static void access(UI ui, Runnable command) {
        try {
            ui.access(command::run);
        } catch (UIDetachedException gone) {
            // The tab closed meanwhile: nobody to tell.
        } catch (RuntimeException e) {
            LOG.warn("A page update failed: {}", e.toString());
        }
    }

    @PreDestroy
    void close() {
        workers.shutdownNow();
    }
}
