package io.kvmportal.web.console;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of the zero-copy screen path ({@link ScreenSplice}), raw: they return -1 and leave errno, which
 * {@link #errno()} reads. The constants are Linux's on x86-64 and arm64.
 */
final class SpliceCalls {
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_SETPIPE_SZ = 1031;
    static final int F_GETPIPE_SZ = 1032;
    static final int SPLICE_F_NONBLOCK = 2;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    /** TCP holds what it was given for the payload that follows, so header and payload leave in one segment. */
    static final int MSG_MORE = 0x8000;

    private SpliceCalls() {
    }

    /**
     * Public only for the JVM: jnr-ffi generates the implementing class in a class loader of its own, which may not
     * implement a package-private interface. Code outside this package still cannot name it.
     */
    public interface Raw {
        @SaveError
        @ssize_t
        long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, @size_t long length, int flags);

        @SaveError
        int pipe2(@Out int[] fds, int flags);

        /** fcntl(2) is variadic in C; the x86-64 ABI needs that said for the third argument. */
        @SaveError
        @Variadic(fixedCount = 2)
        int fcntl(int fd, int command, int argument);

        @SaveError
        @ssize_t
        long send(int fd, @In byte[] data, @size_t long length, int flags);

        @SaveError
        @ssize_t
        long read(int fd, @Out byte[] into, @size_t long length);

        @SaveError
        int close(int fd);

        String strerror(int errno);
    }

    static Raw libc() {
        return Holder.INSTANCE;
    }

    static int errno() {
        return jnr.ffi.Runtime.getRuntime(libc()).getLastError();
    }

    /** Loaded on first use: a JVM that cannot load libc says so once, and consoles copy instead. */
    private static final class Holder {
        static final Raw INSTANCE = LibraryLoader.create(Raw.class).load("c");
    }
}
