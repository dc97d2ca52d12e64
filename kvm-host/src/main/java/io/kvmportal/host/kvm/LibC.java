package io.kvmportal.host.kvm;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/** The few libc calls kvm-host needs, raw: they return -1 and leave errno; {@link Posix} checks it. */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_RDWR = 02;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;
    static final int SO_PEERCRED = 17;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;

    private LibC() {
    }

    /**
     * Public only for the JVM: jnr-ffi generates the implementing class in a class loader of its own,
     * which may not implement a package-private interface. Java code outside this package still cannot
     * name it, because the enclosing class is package-private.
     */
    public interface Raw {
        @SaveError
        int open(CharSequence path, int flags);

        /** ioctl(2) is variadic in C; the x86-64 ABI needs that said for the third argument. */
        @SaveError
        @Variadic(fixedCount = 2)
        int ioctl(int fd, @u_int64_t long request, long argument);

        @SaveError
        int close(int fd);

        @SaveError
        int kill(int pid, int signal);

        /** {@code message} is a {@code struct msghdr} in native memory (see {@link DescriptorPassing}). */
        @SaveError
        @ssize_t
        long sendmsg(int fd, Pointer message, int flags);

        @SaveError
        int getsockopt(int fd, int level, int option, @Out int[] value, @In @Out int[] length);

        String strerror(int errno);
    }

    static Raw get() {
        return Holder.INSTANCE;
    }

    /** Loaded on first use: a host without libc fails at once, with the loader's reason. */
    private static final class Holder {
        static final Raw INSTANCE = LibraryLoader.create(Raw.class).load("c");
    }
}
