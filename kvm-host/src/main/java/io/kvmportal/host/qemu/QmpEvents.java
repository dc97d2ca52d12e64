package io.kvmportal.host.qemu;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Hands events to listeners on a thread of their own, so a slow listener delays later events but never
 * the replies the reader routes, and no event is dropped: the queue is unbounded and ordered.
 */
final class QmpEvents {
    private static final Logger LOG = LoggerFactory.getLogger(QmpEvents.class);

    private final List<QmpEventListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;

    QmpEvents(Path socket) {
        delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "qmp-events " + socket);
            t.setDaemon(true);
            return t;
        });
    }

    void add(QmpEventListener listener) {
        listeners.add(listener);
    }

    void remove(QmpEventListener listener) {
        listeners.remove(listener);
    }

    void deliver(JsonNode message) {
        QmpEvent event = new QmpEvent(message.get("event").asText(),
                message.has("data") ? message.get("data") : JsonNodeFactory.instance.objectNode(), timestamp(message));
        delivery.execute(() -> listeners.forEach(listener -> notify(listener, event)));
    }

    /** Events already queued are still delivered; then the thread ends. */
    void shutdown() {
        delivery.shutdown();
    }

    private static void notify(QmpEventListener listener, QmpEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("QMP event listener failed on {}", event.name(), e);
        }
    }

    private static Instant timestamp(JsonNode message) {
        JsonNode t = message.path("timestamp");
        return Instant.ofEpochSecond(t.path("seconds").asLong(), t.path("microseconds").asLong() * 1000);
    }
}
