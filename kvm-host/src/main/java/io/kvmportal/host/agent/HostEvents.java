package io.kvmportal.host.agent;

import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's events handed to every listener that watches (any number: each portal connection is one), in the order
 * they happened for each guest; a listener that throws is logged and the others still hear the event.
 */
final class HostEvents {
    private static final Logger LOG = LoggerFactory.getLogger(HostEvents.class);
    private final List<HostEventListener> listeners = new CopyOnWriteArrayList<>();

    AutoCloseable add(HostEventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(HostEvent event) {
        for (HostEventListener listener : listeners) {
            try {
                listener.event(event);
            } catch (RuntimeException e) {
                LOG.warn("A listener of host events failed on {}: {}", event, e.toString());
            }
        }
    }

    void clear() {
        listeners.clear();
    }
}
