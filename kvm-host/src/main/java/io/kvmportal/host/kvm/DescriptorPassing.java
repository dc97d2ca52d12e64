package io.kvmportal.host.kvm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Unix sockets beyond what Java's channels offer: who listens at the other end (SO_PEERCRED, as a uid), and sending
 * bytes with one open socket attached (SCM_RIGHTS), which is how QMP's {@code getfd} takes a descriptor.
 *
 * <p>Both need a channel's descriptor number, which only the JDK's {@code sun.nio.ch.SelChImpl} tells: the JVM must
 * export {@code java.base/sun.nio.ch} to this code (the agent jar's manifest does; tests pass {@code --add-exports}).
 *
 * <p>The message is laid out as glibc has it on LP64 Linux (x86-64, arm64), from {@code <sys/socket.h>}:
 * {@code struct msghdr} is 56 bytes (name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48),
 * {@code struct iovec} 16 (base 0, len 8), {@code struct cmsghdr} 16 (len 0, level 8, type 12, data from 16), so one
 * descriptor takes {@code CMSG_LEN(4)} = 20 bytes and {@code CMSG_SPACE(4)} = 24.
 */
public final class DescriptorPassing {
    static final int MSGHDR_BYTES = 56;
    static final int IOVEC_BYTES = 16;
    static final int CMSGHDR_BYTES = 16;
    private static final MethodHandle FD_VALUE = findFdValue();

    private DescriptorPassing() {
    }

    /** The uid of the process at the other end of a connected unix socket (for a listener: who listened). */
    public static int peerUid(SocketChannel channel) {
        return Posix.peerCredentials(descriptor(channel))[1];
    }

    /**
     * Sends {@code bytes} on {@code via} with {@code passed} attached as SCM_RIGHTS, and advances {@code bytes} by what
     * the kernel took: the receiver gets the descriptor with the first of these bytes. It does not wait: a socket whose
     * buffer is full refuses (EAGAIN), and a send cut short leaves the rest for the caller to write as usual, under the
     * same lock as its other writes. The receiver gets its own copy of {@code passed}; the caller still closes it.
     */
    public static void send(SocketChannel via, ByteBuffer bytes, SocketChannel passed) {
        int viaFd = descriptor(via);
        int passedFd = descriptor(passed);
        Runtime runtime = Runtime.getRuntime(LibC.get());
        byte[] payload = new byte[bytes.remaining()];
        bytes.duplicate().get(payload);
        Pointer data = zeroed(runtime, Math.max(1, payload.length));
        data.put(0, payload, 0, payload.length);
        Pointer iov = zeroed(runtime, IOVEC_BYTES);
        iov.putAddress(0, data.address());
        iov.putLong(8, payload.length);
        Pointer control = zeroed(runtime, controlSpace());
        control.putLong(0, controlLength());
        control.putInt(8, LibC.SOL_SOCKET);
        control.putInt(12, LibC.SCM_RIGHTS);
        control.putInt(CMSGHDR_BYTES, passedFd);
        Pointer message = zeroed(runtime, MSGHDR_BYTES);
        message.putAddress(16, iov.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, controlSpace());
        long sent = Posix.sendmsg(viaFd, message, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT,
                "fd " + viaFd + ", " + payload.length + " bytes, SCM_RIGHTS fd " + passedFd);
        // The message holds bare addresses of the other blocks: none may be freed by the GC before the call is over.
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(iov);
        Reference.reachabilityFence(control);
        bytes.position(bytes.position() + (int) sent);
    }

    private static Pointer zeroed(Runtime runtime, int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    /** {@code CMSG_LEN(sizeof(int))}: the header and one descriptor, unpadded. */
    static int controlLength() {
        return CMSGHDR_BYTES + Integer.BYTES;
    }

    /** {@code CMSG_SPACE(sizeof(int))}: the same, padded to the alignment of {@code size_t}. */
    static int controlSpace() {
        return CMSGHDR_BYTES + align(Integer.BYTES);
    }

    private static int align(int length) {
        return (length + Long.BYTES - 1) & ~(Long.BYTES - 1);
    }

    /** The channel's descriptor number; it stays the channel's only while the channel is open. */
    static int descriptor(SocketChannel channel) {
        if (FD_VALUE == null) {
            throw new IllegalStateException("the JVM does not export java.base/sun.nio.ch to kvm-host, so a socket's"
                    + " descriptor cannot be passed (the agent jar's manifest does it under java -jar; otherwise add"
                    + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED)");
        }
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("the channel is closed: " + channel);
        }
        try {
            return (int) FD_VALUE.invoke(channel);
        } catch (Throwable unexpected) {
            throw new IllegalStateException("cannot read the descriptor of " + channel, unexpected);
        }
    }

    private static MethodHandle findFdValue() {
        try {
            Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup().findVirtual(selectable, "getFDVal", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException notOpenToUs) {
            return null;
        }
    }
}
