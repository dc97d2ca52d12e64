package io.kvmportal.host.qemu;

import java.io.IOException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/** Opening a QMP socket that QEMU may not have created yet: QEMU binds it early in its startup. */
final class QmpSockets {
    private static final long RETRY_MILLIS = 5;

    private QmpSockets() {
    }

    static SocketChannel open(Path socket, long deadlineNanos) {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        while (true) {
            try {
                return SocketChannel.open(address);
            } catch (SocketException notYet) {
                // ENOENT before QEMU binds, ECONNREFUSED between bind and listen: both mean "soon".
                if (System.nanoTime() - deadlineNanos >= 0) {
                    throw QmpException.closed("cannot connect to " + socket + ": " + notYet.getMessage());
                }
                sleep();
            } catch (IOException e) {
                throw QmpException.closed("cannot connect to " + socket + ": " + e.getMessage());
            }
        }
    }

    static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QmpException.closed("interrupted while connecting");
        }
    }
}
