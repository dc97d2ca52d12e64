package io.kvmportal.host.guest;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.host.kvm.DescriptorPassing;
import io.kvmportal.host.qemu.QmpClient;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A guest's screen handed to the portal without passing through this process. How it flows:
 * <ol>
 * <li>The agent connects to the portal's screen socket, a path of its own configuration (the portal names none),
 *     and checks by SO_PEERCRED that the portal's uid listens there: the portal owns that directory and could put
 *     a link to another program's socket in its place, which must get nothing.</li>
 * <li>It writes the portal's ticket, so the portal knows which console request the connection answers.</li>
 * <li>It gives the connection to the guest's QEMU: QMP {@code getfd} with the socket attached (SCM_RIGHTS), then
 *     {@code add_client} as a VNC client. QEMU speaks RFB on it from then on; the agent's copy is closed.</li>
 * </ol>
 * The ticket is on the wire before QEMU holds the socket, so the portal reads exactly the ticket, then RFB.
 */
public final class ScreenHandOver {
    /** Each hand-over names its descriptor in QEMU anew, so two at once cannot take each other's. */
    private static final AtomicLong NAMES = new AtomicLong();

    private ScreenHandOver() {
    }

    /** A ticket is the portal's random bytes, exactly {@link HostAgent#SCREEN_TICKET_BYTES} of them. */
    public static void requireTicket(byte[] ticket) {
        if (ticket == null || ticket.length != HostAgent.SCREEN_TICKET_BYTES) {
            throw refused("A screen ticket is " + HostAgent.SCREEN_TICKET_BYTES + " bytes, not "
                    + (ticket == null ? "none" : ticket.length) + ".");
        }
    }

    /** Connects to the portal's screen socket, refused unless uid {@code portalUid} listens there; sends the ticket. */
    public static SocketChannel connectToPortal(Path socket, int portalUid, byte[] ticket) {
        SocketChannel portal;
        try {
            portal = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw refused("Cannot reach the portal's screen socket " + socket + ": " + e.getMessage() + ".");
        }
        try {
            int listener = DescriptorPassing.peerUid(portal);
            if (listener != portalUid) {
                throw refused("The screen socket " + socket + " is served by uid " + listener
                        + ", not the portal's uid " + portalUid + "; no screen is handed to it.");
            }
            ByteBuffer bytes = ByteBuffer.wrap(ticket.clone());
            while (bytes.hasRemaining()) {
                portal.write(bytes);
            }
            return portal;
        } catch (IOException | RuntimeException e) {
            closeQuietly(portal);
            throw e instanceof GuestCommandException known ? known
                    : refused("Cannot hand the screen to the portal at " + socket + ": " + e.getMessage() + ".");
        }
    }

    /** Gives {@code client} to the QEMU behind {@code qmp} as a VNC client; the caller closes its own copy after. */
    static void give(QmpClient qmp, SocketChannel client, Duration timeout) {
        String name = "portal-screen-" + NAMES.incrementAndGet();
        try {
            qmp.executeWithSocket("getfd", Map.of("fdname", name), client, timeout);
        } catch (RuntimeException e) {
            throw qemuFailed("QEMU did not take the screen's socket: " + e.getMessage(), e);
        }
        try {
            qmp.execute("add_client", Map.of("protocol", "vnc", "fdname", name, "skipauth", true), timeout);
        } catch (RuntimeException e) {
            try {
                qmp.execute("closefd", Map.of("fdname", name), timeout); // add_client may have failed before taking it
            } catch (RuntimeException alreadyTaken) {
                // Either add_client took the descriptor (and closed it on its error path) or QEMU is gone.
            }
            throw qemuFailed("QEMU did not add the portal as a screen client: " + e.getMessage(), e);
        }
    }

    private static GuestCommandException refused(String message) {
        return new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED, message);
    }

    private static GuestCommandException qemuFailed(String message, Exception cause) {
        return new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED, message, cause);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Refused already; the portal sees the connection end.
        }
    }
}
