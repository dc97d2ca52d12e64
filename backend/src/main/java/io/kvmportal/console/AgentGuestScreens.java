package io.kvmportal.console;

import io.kvmportal.agent.HostAgent;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.UUID;

/**
 * A guest's screen as the host agent hands it over: the portal expects a ticket on its {@link ScreenSocket}, the
 * agent connects there with it and gives the connection to the guest's QEMU. What arrives is QEMU's VNC server on a
 * unix stream socket, as the guest's own VNC socket was, so the relay is the same.
 */
@Singleton
class AgentGuestScreens implements GuestScreens {
    /** The agent connects before it answers; this is for the connection's last step through the portal's thread. */
    static final Duration HAND_OVER_WAIT = Duration.ofSeconds(5);
    private final HostAgent agent;
    private final ScreenSocket socket;
    private final Duration wait;

    @Inject
    AgentGuestScreens(HostAgent agent, ScreenSocket socket) {
        this(agent, socket, HAND_OVER_WAIT);
    }

    AgentGuestScreens(HostAgent agent, ScreenSocket socket, Duration wait) {
        this.agent = agent;
        this.socket = socket;
        this.wait = wait;
    }

    @Override
    public SocketChannel connect(UUID guest, String ownerLogin) {
        try (ScreenSocket.Pending pending = socket.expect()) {
            agent.handScreen(guest, ownerLogin, pending.ticket());
            return pending.await(wait);
        }
    }
}
