package io.kvmportal.console;

import java.nio.channels.SocketChannel;
import java.util.UUID;

/**
 * Where a console's bytes come from: a running guest's screen, as a connected stream socket that the caller relays
 * and closes. The host's VNC socket in the portal; benchmarks and relay tests put a plain byte source here.
 */
public interface GuestScreens {
    SocketChannel connect(UUID guest, String ownerLogin);
}
