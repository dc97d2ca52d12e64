package io.kvmportal.bench;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The ceiling for any relay on this machine: TCP to TCP with splice(2) through a pipe, so the bytes are never
 * copied into the relay at all, and no WebSocket framing. A WebSocket relay has to write a frame header before
 * each payload and unmask what the browser sends, so it can at best come near this. Benchmark only: it reaches
 * the sockets' descriptors through the JDK's internals, which the bench portal's JVM opens with
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}.
 */
final class SpliceRelay extends TcpRelay {
    private static final int F_SETPIPE_SZ = 1031;
    private static final int SPLICE_F_MOVE = 1;
    private static final int PIPE_SIZE = 1 << 20;

    /** The calls it needs, from libc. */
    public interface Splice {
        @ssize_t
        long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, @size_t long length, int flags);

        int pipe(@Out int[] fds);

        int fcntl(int fd, int command, int argument);

        int close(int fd);
    }

    private static final Splice LIBC = LibraryLoader.create(Splice.class).load("c");

    SpliceRelay(SocketAddress source) throws IOException {
        super(source, "splice-relay");
    }

    @Override
    protected void carry(SocketChannel from, SocketChannel to) {
        int[] pipe = new int[2];
        if (LIBC.pipe(pipe) != 0) {
            throw new IllegalStateException("pipe(2) failed");
        }
        LIBC.fcntl(pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
        try {
            int in = descriptor(from);
            int out = descriptor(to);
            while (true) {
                long moved = LIBC.splice(in, null, pipe[1], null, PIPE_SIZE, SPLICE_F_MOVE);
                if (moved <= 0) {
                    return;
                }
                while (moved > 0) {
                    long sent = LIBC.splice(pipe[0], null, out, null, moved, SPLICE_F_MOVE);
                    if (sent <= 0) {
                        return;
                    }
                    moved -= sent;
                }
            }
        } finally {
            LIBC.close(pipe[0]);
            LIBC.close(pipe[1]);
        }
    }

    private static int descriptor(SocketChannel channel) {
        try {
            Method fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            fdVal.setAccessible(true);
            return (int) fdVal.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException closed) {
            throw new IllegalStateException("run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED", closed);
        }
    }
}
