package io.kvmportal.host.qemu;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Hands events to listeners on a thread of their own, in order, none dropped. The queue is bounded:
 * a QEMU taken over by its guest could flood events, so when the listeners fall behind, the reader
 * waits (and stops reading the socket) instead of the portal's memory growing without end.
 */
final class QmpEvents {
    static final int CAPACITY = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(QmpEvents.class);

    private final List<QmpEventListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<QmpEvent> queue = new LinkedBlockingQueue<>(CAPACITY);
    private volatile boolean closing;

    QmpEvents(Path socket) {
        Thread delivery = new Thread(this::deliverLoop, "qmp-events " + socket);
        delivery.setDaemon(true);
        delivery.start();
    }

    void add(QmpEventListener listener) {
        listeners.add(listener);
    }

    void remove(QmpEventListener listener) {
        listeners.remove(listener);
    }

    /** Queues an event; blocks while the queue is full. */
    void deliver(JsonNode message) throws InterruptedException {
        queue.put(new QmpEvent(message.get("event").asText(),
                message.has("data") ? message.get("data") : JsonNodeFactory.instance.objectNode(), timestamp(message)));
    }

    /** Events already queued are still delivered; then the thread ends. */
    void shutdown() {
        closing = true;
    }

    private void deliverLoop() {
        try {
            while (true) {
                QmpEvent event = queue.poll(50, TimeUnit.MILLISECONDS);
                if (event != null) {
                    listeners.forEach(listener -> notify(listener, event));
                } else if (closing) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
