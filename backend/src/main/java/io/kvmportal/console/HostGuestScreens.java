package io.kvmportal.console;

import io.kvmportal.host.Host;
import jakarta.inject.Singleton;
import java.nio.channels.SocketChannel;
import java.util.UUID;

/** The guest's QEMU's VNC server, on its unix socket (never TCP), checked to be served by the owner's account. */
@Singleton
class HostGuestScreens implements GuestScreens {
    private final Host host;

    HostGuestScreens(Host host) {
        this.host = host;
    }

    @Override
    public SocketChannel connect(UUID guest, String ownerLogin) {
        return host.openVnc(guest, ownerLogin);
    }
}
