package io.kvmportal.web.console;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * The zero-copy way from a guest's screen to the browser: splice(2) moves the screen socket's bytes into a pipe,
 * and from the pipe into the browser's socket, so they never enter the JVM; only each frame's header is written.
 * This is what makes a console relay faster than one that copies (websockify, or the portal's own copying path):
 * a copying relay moves every byte twice, and on a busy host those copies are most of its work.
 *
 * <p>splice needs the sockets' descriptors, which Java hands out only through a JDK internal interface
 * ({@code sun.nio.ch.SelChImpl}, exported to the portal by the {@code Add-Exports} line of its jar's manifest), and
 * it needs the browser's bytes to be the socket's bytes: under TLS they must be encrypted on the way, so such a
 * console copies. {@link #support} says whether this JVM can, once, at start.
 *
 * <p>The descriptors used are the console's own duplicates of Jetty's: once Jetty closes a socket its descriptor
 * number can be reused for another file at once, and a late splice must never write into that. The duplicates keep
 * the sockets open until {@link #close}, so every path that ends a console calls it; each call here and the closes
 * hold this object's monitor, and the calls never block.
 */
final class ScreenSplice {
    /** The most one frame carries: what the pipe holds, if the kernel grants it (the default pipe holds 64 KiB). */
    static final int PIPE_BYTES = 1 << 20;
    /** What every Linux pipe holds, should the kernel not even say. */
    private static final int DEFAULT_PIPE_BYTES = 64 * 1024;
    private static final MethodHandle FD_VALUE = findFdValue();
    private static final Support SUPPORT = probe();
    private final int screen;
    private final int browser;
    private final int pipeOut;
    private final int pipeIn;
    private final int pipeBytes;
    private boolean screenClosed;
    private boolean closed;

    /** Whether consoles can relay the screen zero-copy in this JVM, and if not, why not in words. */
    record Support(boolean available, String why) {
    }

    private ScreenSplice(int screen, int browser, int[] pipe) {
        this.screen = screen;
        this.browser = browser;
        this.pipeOut = pipe[0];
        this.pipeIn = pipe[1];
        // Granted in full to root; an unprivileged portal over its pipe-buffer budget keeps the default.
        SpliceCalls.libc().fcntl(pipeIn, SpliceCalls.F_SETPIPE_SZ, PIPE_BYTES);
        int granted = SpliceCalls.libc().fcntl(pipeIn, SpliceCalls.F_GETPIPE_SZ, 0);
        this.pipeBytes = granted > 0 ? granted : DEFAULT_PIPE_BYTES;
    }

    static Support support() {
        return SUPPORT;
    }

    /**
     * The zero-copy path between {@code screen} and the browser's {@code endPoint}, or null if that connection
     * cannot take one (this JVM cannot, or the browser's side is not a plain socket).
     */
    static ScreenSplice open(SocketChannel screen, EndPoint endPoint) throws IOException {
        if (!SUPPORT.available() || !(endPoint instanceof SocketChannelEndPoint plain)) {
            return null;
        }
        return open(screen, plain.getChannel());
    }

    /** The zero-copy path between two connected sockets; {@link #support} must say it is available. */
    static ScreenSplice open(SocketChannel screen, SocketChannel browserChannel) throws IOException {
        int screenFd = duplicate(screen);
        int browserFd;
        try {
            browserFd = duplicate(browserChannel);
        } catch (IOException | RuntimeException failed) {
            SpliceCalls.libc().close(screenFd);
            throw failed;
        }
        int[] pipe = new int[2];
        if (SpliceCalls.libc().pipe2(pipe, SpliceCalls.O_NONBLOCK | SpliceCalls.O_CLOEXEC) != 0) {
            IOException failed = failure("pipe2");
            SpliceCalls.libc().close(screenFd);
            SpliceCalls.libc().close(browserFd);
            throw failed;
        }
        return new ScreenSplice(screenFd, browserFd, pipe);
    }

    /** What one frame may carry: the pipe's size. */
    int capacity() {
        return pipeBytes;
    }

    /**
     * Moves what the screen has, up to the pipe's size, into the (empty) pipe: the bytes moved, 0 if the screen has
     * none now, or -1 at its end of stream.
     */
    synchronized long fromScreen() throws IOException {
        if (screenClosed || closed) {
            return -1;
        }
        long moved = SpliceCalls.libc().splice(screen, null, pipeIn, null, pipeBytes, SpliceCalls.SPLICE_F_NONBLOCK);
        if (moved == 0) {
            return -1;
        }
        return moved > 0 ? moved : nothingNow("splice from the screen");
    }

    /**
     * Sends what it can of {@code header} (advancing it), telling TCP that the payload follows: the bytes sent,
     * 0 if the socket is full.
     */
    synchronized int sendHeader(ByteBuffer header) throws IOException {
        ensureOpen();
        byte[] bytes = new byte[header.remaining()];
        header.duplicate().get(bytes);
        long sent = SpliceCalls.libc().send(browser, bytes, bytes.length,
                SpliceCalls.MSG_DONTWAIT | SpliceCalls.MSG_NOSIGNAL | SpliceCalls.MSG_MORE);
        int taken = (int) (sent >= 0 ? sent : nothingNow("send to the browser"));
        header.position(header.position() + taken);
        return taken;
    }

    /** Moves up to {@code bytes} from the pipe into the browser's socket: the bytes moved, 0 if the socket is full. */
    synchronized long toBrowser(long bytes) throws IOException {
        ensureOpen();
        long moved = SpliceCalls.libc().splice(pipeOut, null, browser, null, bytes, SpliceCalls.SPLICE_F_NONBLOCK);
        return moved >= 0 ? moved : nothingNow("splice to the browser");
    }

    /**
     * Copies up to {@code bytes} out of the pipe to the end of {@code into}: for a browser whose socket is full, so
     * that Jetty's write waits for it to take them.
     */
    synchronized int copyOut(ByteBuffer into, int bytes) throws IOException {
        ensureOpen();
        byte[] copy = new byte[Math.min(bytes, into.capacity() - into.limit())];
        long read = SpliceCalls.libc().read(pipeOut, copy, copy.length);
        if (read <= 0) {
            throw new IOException("the console's pipe held less than it took: " + read);
        }
        int at = into.limit();
        into.limit(at + (int) read);
        into.put(at, copy, 0, (int) read);
        return (int) read;
    }

    /** Lets go of the screen's socket (the console ends), while the browser may still be sent what the pipe holds. */
    synchronized void closeScreen() {
        if (!screenClosed && !closed) {
            screenClosed = true;
            SpliceCalls.libc().close(screen);
        }
    }

    /** Lets go of everything: the browser's socket closes once Jetty has closed it too. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closeScreen();
        closed = true;
        SpliceCalls.libc().close(browser);
        SpliceCalls.libc().close(pipeOut);
        SpliceCalls.libc().close(pipeIn);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the console's browser side is closed");
        }
    }

    /** 0 for EAGAIN (nothing to move, or no room, now), an IOException with errno's words for anything else. */
    private static long nothingNow(String call) throws IOException {
        int errno = SpliceCalls.errno();
        if (errno == SpliceCalls.EAGAIN || errno == SpliceCalls.EINTR) {
            return 0;
        }
        throw new IOException(call + ": " + SpliceCalls.libc().strerror(errno) + " (errno " + errno + ")");
    }

    private static IOException failure(String call) {
        int errno = SpliceCalls.errno();
        return new IOException(call + ": " + SpliceCalls.libc().strerror(errno) + " (errno " + errno + ")");
    }

    /**
     * The console's own duplicate of a channel's descriptor. The channel is still open after the duplicate was made,
     * so the number duplicated was still the channel's: Java marks a channel closed before it lets go of the number.
     */
    private static int duplicate(SocketChannel channel) throws IOException {
        int own = SpliceCalls.libc().fcntl(descriptor(channel), SpliceCalls.F_DUPFD_CLOEXEC, 0);
        if (own < 0) {
            throw failure("fcntl F_DUPFD_CLOEXEC");
        }
        if (!channel.isOpen()) {
            SpliceCalls.libc().close(own);
            throw new IOException("the socket closed while the console opened");
        }
        return own;
    }

    /**
     * The descriptor number of an open channel: valid only while the channel is, so take a duplicate (as the
     * console does) before using it where the channel may close meanwhile.
     */
    static int descriptor(SocketChannel channel) throws IOException {
        if (FD_VALUE == null) {
            throw new IOException(SUPPORT.why());
        }
        try {
            return (int) FD_VALUE.invoke(channel);
        } catch (Throwable unexpected) {
            throw new IOException("reading a socket's descriptor", unexpected);
        }
    }

    private static Support probe() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Support(false, "splice(2) is Linux's");
        }
        if (FD_VALUE == null) {
            return new Support(false, "the JVM does not export java.base/sun.nio.ch to the portal (the jar's"
                    + " manifest does under java -jar; otherwise add --add-exports java.base/sun.nio.ch=ALL-UNNAMED)");
        }
        try {
            SpliceCalls.libc();
            return new Support(true, "");
        } catch (LinkageError | RuntimeException noLibc) {
            return new Support(false, "libc cannot be loaded: " + noLibc);
        }
    }

    /** {@code SelChImpl.getFDVal()}, or null if this JVM does not let the portal call it. */
    private static MethodHandle findFdValue() {
        try {
            Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
            return MethodHandles.lookup().findVirtual(selectable, "getFDVal", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException notOpenToUs) {
            return null;
        }
    }
}
