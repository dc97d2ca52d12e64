package io.kvmportal.web.console;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;

/**
 * Drops a TCP socket's received bytes in the kernel, without copying them out: {@code recv} with
 * {@code MSG_TRUNC}, which Linux's TCP takes as "discard". A benchmark client that reads this way costs the machine
 * about what a browser on another machine costs it (nothing), so the relay under test is what uses the CPU. It
 * needs {@code java.base/sun.nio.ch} exported to the JVM, as the portal does, for the socket's descriptor
 * ({@link ScreenSplice#descriptor}).
 */
public final class KernelDiscard {
    private static final int MSG_TRUNC = 0x20;

    /** The one call this needs; public only because jnr implements it. */
    public interface Libc {
        long recv(int fd, Pointer buffer, @size_t long length, int flags);
    }

    private static final class Holder {
        static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
    }

    private KernelDiscard() {
    }

    /**
     * Drops up to {@code max} bytes from a blocking TCP channel, waiting for the first: the bytes dropped. Throws
     * {@link EOFException} at the end of the stream.
     */
    public static long discard(SocketChannel channel, long max) throws IOException {
        int fd = ScreenSplice.descriptor(channel);
        while (true) {
            long dropped = Holder.LIBC.recv(fd, null, max, MSG_TRUNC);
            if (dropped > 0) {
                return dropped;
            }
            if (dropped == 0) {
                throw new EOFException("the other side closed the connection");
            }
            int errno = SpliceCalls.errno();
            if (errno != SpliceCalls.EINTR) {
                throw new IOException("recv: " + SpliceCalls.libc().strerror(errno) + " (errno " + errno + ")");
            }
        }
    }
}
