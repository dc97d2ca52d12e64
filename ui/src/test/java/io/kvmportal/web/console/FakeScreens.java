package io.kvmportal.web.console;

import io.kvmportal.console.GuestScreens;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.UUID;

/**
 * In place of guests' VNC sockets, for relay tests and the benchmark: every console connects to the one address a
 * test sets (a unix socket or TCP), so the relay is measured on a plain byte source. Only with
 * {@code kvmptest.fake-screens=true}.
 */
@Singleton
@Replaces(GuestScreens.class)
@Requires(property = "kvmptest.fake-screens", value = "true")
public class FakeScreens implements GuestScreens {
    private volatile SocketAddress target;

    public void connectTo(SocketAddress address) {
        this.target = address;
    }

    @Override
    public SocketChannel connect(UUID guest, String ownerLogin) {
        try {
            return SocketChannel.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException("fake screen at " + target, e);
        }
    }
}
