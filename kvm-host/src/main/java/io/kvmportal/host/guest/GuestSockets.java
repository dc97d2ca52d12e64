package io.kvmportal.host.guest;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Connects the portal (root) to a socket that a guest's QEMU serves in its run directory (VNC, serial). That
 * directory belongs to the guest's account, and so could anything in it after a QEMU escape: so the socket must
 * be a socket owned by that account, not a link, and the process that answers must run as that account. A
 * planted file or link then reaches nothing but the same account's own guests.
 */
public final class GuestSockets {

    private GuestSockets() {
    }

    /** A blocking channel to {@code socket}, served by a process of {@code account}. */
    public static SocketChannel connect(Path socket, String account) {
        requireSocketOf(socket, account);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw unavailable(socket, e.getMessage());
        }
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!account.equals(peer.user().getName())) {
                throw unavailable(socket, "it is served by " + peer.user().getName() + ", not " + account);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e instanceof GuestCommandException refused ? refused : unavailable(socket, e.getMessage());
        }
    }

    private static void requireSocketOf(Path socket, String account) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw unavailable(socket, "it does not exist (" + e.getMessage() + ")");
        }
        // A socket is neither a regular file, a directory nor a link: "other".
        if (!attributes.isOther() || !account.equals(attributes.owner().getName())) {
            throw unavailable(socket, "it is not a socket of " + account);
        }
    }

    private static GuestCommandException unavailable(Path socket, String why) {
        return new GuestCommandException(GuestCommandException.Kind.QEMU_FAILED,
                "Cannot connect to " + socket.getFileName() + " of the guest: " + why + ".");
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was sent on it; the refusal is what matters.
        }
    }
}
