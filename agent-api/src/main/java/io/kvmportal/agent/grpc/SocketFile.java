package io.kvmportal.agent.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The agent's socket file: a stale one is removed before binding (one that an agent still answers on is refused), and
 * a bound one is given to the portal's group.
 */
final class SocketFile {
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;

    private SocketFile() {
    }

    /**
     * Makes way for a new agent at {@code socket}: refused while another agent answers there (taking its path would
     * leave it serving nobody, and two agents would supervise the same guests); a stale socket file is removed.
     */
    static void claim(Path socket) {
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            try (SocketChannel answered = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IllegalStateException("another agent serves " + socket + "; stop it before starting"
                        + " this one");
            } catch (IOException nobodyListens) {
                // Connection refused (or not a socket at all): nothing serves there; removeStale decides.
            }
        }
        removeStale(socket);
    }

    /** Removes {@code socket} if it is a socket; anything else at that path is left alone and refused. */
    static void removeStale(Path socket) {
        try {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & TYPE_MASK) != SOCKET) {
                throw new IllegalStateException(socket + " exists and is not a socket; the host agent leaves it"
                        + " alone and does not serve there");
            }
            Files.delete(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the stale socket " + socket, e);
        }
    }

    /** Group {@code gid}, mode 0660: the portal's account can connect, no other (and the uid check stands behind). */
    static void restrict(Path socket, int gid) throws IOException {
        Files.setAttribute(socket, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    }
}
