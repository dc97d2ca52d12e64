package io.kvmportal.host.kvm;

/** Typed wrapper over {@link LibC}: every {@code ret < 0} becomes a {@link NativeCallException}. */
final class Posix {
    static final int ENOENT = 2;
    static final int EPERM = 1;
    static final int EACCES = 13;
    static final int ESRCH = 3;
    static final int ENXIO = 6;
    static final int ENODEV = 19;

    private Posix() {
    }

    static int openReadWrite(String path) {
        return check(libc().open(path, LibC.O_RDWR | LibC.O_CLOEXEC), "open", path + ", O_RDWR|O_CLOEXEC");
    }

    /** Opens for reading without following a final symbolic link and without waiting for a FIFO's writer. */
    static int openReadOnlyNoFollow(String path) {
        return check(libc().open(path, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_CLOEXEC), "open",
                path + ", O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC");
    }

    /** Opens for appending without following a final symbolic link and without waiting for a FIFO's reader. */
    static int openAppendNoFollow(String path) {
        return check(libc().open(path, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_NOFOLLOW | LibC.O_NONBLOCK
                | LibC.O_CLOEXEC), "open", path + ", O_WRONLY|O_APPEND|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC");
    }

    static int ioctl(int fd, long request, long argument) {
        String described = "fd " + fd + ", 0x" + Long.toHexString(request) + ", " + argument;
        return check(libc().ioctl(fd, request, argument), "ioctl", described);
    }

    static void kill(int pid, int signal) {
        check(libc().kill(pid, signal), "kill", "pid " + pid + ", signal " + signal);
    }

    static long sendmsg(int fd, jnr.ffi.Pointer message, int flags, String described) {
        long sent = libc().sendmsg(fd, message, flags);
        check(sent < 0 ? -1 : 0, "sendmsg", described);
        return sent;
    }

    /** {@code struct ucred} of a connected unix socket's peer: pid, uid, gid, as the kernel took them at connect. */
    static int[] peerCredentials(int fd) {
        int[] credentials = new int[3];
        int[] length = {Integer.BYTES * credentials.length};
        check(libc().getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, credentials, length), "getsockopt",
                "fd " + fd + ", SOL_SOCKET, SO_PEERCRED");
        return credentials;
    }

    static void close(int fd) {
        check(libc().close(fd), "close", "fd " + fd);
    }

    private static int check(int ret, String call, String argument) {
        if (ret < 0) {
            int errno = jnr.ffi.Runtime.getRuntime(libc()).getLastError();
            throw new NativeCallException(errno, libc().strerror(errno), call, argument);
        }
        return ret;
    }

    private static LibC.Raw libc() {
        return LibC.get();
    }
}
