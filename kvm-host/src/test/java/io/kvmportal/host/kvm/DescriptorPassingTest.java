package io.kvmportal.host.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passing a socket with SCM_RIGHTS, checked by the kernel's other half: this test receives the message with its own
 * recvmsg(2) and finds the same socket (same inode in /proc/self/fd, and bytes written on the received descriptor
 * arrive at the passed socket's peer).
 */
class DescriptorPassingTest {
    /** The receiving side's calls, for this test only. */
    public interface Receiver {
        @ssize_t
        long recvmsg(int fd, Pointer message, int flags);

        @ssize_t
        long write(int fd, @In byte[] data, @size_t long length);

        @ssize_t
        long read(int fd, @Out byte[] into, @size_t long length);

        int close(int fd);
    }

    private static final Receiver LIBC = LibraryLoader.create(Receiver.class).load("c");
    @TempDir
    Path dir;
    private ServerSocketChannel listener;
    private SocketChannel sender;
    private SocketChannel receiver;

    @BeforeEach
    void connect() throws Exception {
        listener = listen(dir.resolve("via.sock"));
        sender = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("via.sock")));
        receiver = listener.accept();
    }

    @AfterEach
    void close() throws Exception {
        sender.close();
        receiver.close();
        listener.close();
    }

    @Test
    void theReceiverGetsTheBytesAndTheSameSocket() throws Exception {
        try (ServerSocketChannel other = listen(dir.resolve("other.sock"));
             SocketChannel passed = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("other.sock")));
             SocketChannel passedPeer = other.accept()) {
            ByteBuffer bytes = ByteBuffer.wrap("{\"execute\":\"getfd\"}\n".getBytes(StandardCharsets.UTF_8));

            DescriptorPassing.send(sender, bytes, passed);

            assertFalse(bytes.hasRemaining(), "the kernel took the whole message");
            Received received = receive(DescriptorPassing.descriptor(receiver), 64);
            try {
                assertEquals("{\"execute\":\"getfd\"}\n", received.text());
                assertNotEquals(DescriptorPassing.descriptor(passed), received.fd(), "a new descriptor");
                assertEquals(link(DescriptorPassing.descriptor(passed)), link(received.fd()), "of the same socket");
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                assertEquals(4, LIBC.write(received.fd(), ping, ping.length));
                ByteBuffer arrived = ByteBuffer.allocate(4);
                while (arrived.hasRemaining() && passedPeer.read(arrived) >= 0) {
                    // the bytes written on the received descriptor come out at the passed socket's peer
                }
                assertArrayEquals(ping, arrived.array());
            } finally {
                LIBC.close(received.fd());
            }
        }
    }

    @Test
    void theLayoutIsGlibcsOnLp64() {
        assertEquals(8, Runtime.getRuntime(LibC.get()).addressSize(), "the offsets are LP64's");
        assertEquals(20, DescriptorPassing.controlLength(), "CMSG_LEN(sizeof(int))");
        assertEquals(24, DescriptorPassing.controlSpace(), "CMSG_SPACE(sizeof(int))");
    }

    @Test
    void theListenersUidIsTheKernels() throws Exception {
        int ours = (Integer) Files.getAttribute(dir, "unix:uid"); // the test made the directory: our own uid

        assertEquals(ours, DescriptorPassing.peerUid(sender));
    }

    @Test
    void aClosedChannelIsRefusedNotReadAsANumber() throws Exception {
        SocketChannel closed = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("via.sock")));
        closed.close();

        assertThrows(IllegalArgumentException.class,
                () -> DescriptorPassing.send(sender, ByteBuffer.wrap(new byte[] {1}), closed));
    }

    private static ServerSocketChannel listen(Path socket) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    private static String link(int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    private record Received(String text, int fd) {
    }

    /** recvmsg(2) with room for one descriptor, as QEMU's chardev receives a QMP command's. */
    private static Received receive(int fd, int capacity) {
        Runtime runtime = Runtime.getRuntime(LIBC);
        Pointer data = Memory.allocateDirect(runtime, capacity, true);
        Pointer iov = Memory.allocateDirect(runtime, DescriptorPassing.IOVEC_BYTES, true);
        iov.putAddress(0, data.address());
        iov.putLong(8, capacity);
        Pointer control = Memory.allocateDirect(runtime, DescriptorPassing.controlSpace(), true);
        Pointer message = Memory.allocateDirect(runtime, DescriptorPassing.MSGHDR_BYTES, true);
        message.putAddress(16, iov.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, DescriptorPassing.controlSpace());

        long read = LIBC.recvmsg(fd, message, 0);

        assertEquals(DescriptorPassing.controlSpace(), message.getLong(40), "one descriptor's control message");
        assertEquals(DescriptorPassing.controlLength(), control.getLong(0), "cmsg_len");
        assertEquals(LibC.SOL_SOCKET, control.getInt(8), "cmsg_level");
        assertEquals(LibC.SCM_RIGHTS, control.getInt(12), "cmsg_type");
        byte[] bytes = new byte[(int) read];
        data.get(0, bytes, 0, bytes.length);
        java.lang.ref.Reference.reachabilityFence(iov);
        return new Received(new String(bytes, StandardCharsets.UTF_8), control.getInt(DescriptorPassing.CMSGHDR_BYTES));
    }
}
