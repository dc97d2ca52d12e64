package io.kvmportal.web.console;

import io.kvmportal.console.ViewOnlyRfb;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open console: the browser's WebSocket and the guest's VNC socket, relayed both ways on Jetty's selector
 * threads. Nothing here blocks, so a console holds no thread of its own, and a byte crosses with one read and
 * one write on the thread that saw it arrive. Each side takes a buffer from Jetty's pool when its first bytes come
 * and keeps it until the console ends: giving it back whenever the side went quiet cost a fifth of a round trip.
 * In order:
 * <ol>
 *   <li>screen to browser ({@link ToBrowser}): read what the screen has (up to {@link #CHUNK}), send it as one
 *       binary frame, and read again only once the browser's socket took it all. While the screen sends a lot,
 *       its bytes go zero-copy instead ({@link ScreenSplice}), a frame of up to a pipe's size at a time. A browser
 *       that does not read stops the reading, and QEMU waits in turn. This is also the only writer to the browser,
 *       so the pongs and the close frame take their turn between screen frames;</li>
 *   <li>browser to screen ({@link FromBrowser}): frames are unmasked in place ({@link BrowserFrames}) and
 *       written to the screen, and the browser is read again only once the screen took them;</li>
 *   <li>ending: {@link #end} from outside (guest stopped, access revoked, an admin), the screen closing, or a
 *       broken rule sends a close frame with a code and words for the page, closes the screen, and closes the
 *       browser's connection once the browser answers (or after {@link #CLOSE_GRACE_SECONDS}, or, if the browser
 *       does not even take the close frame, an idle timeout later). The browser closing or vanishing closes the
 *       screen. Either way {@code whenEnded} runs once.</li>
 * </ol>
 * A refused console is a relay without a screen that ends as soon as the browser's side is open, so the page
 * reads the refusal in words rather than a failed handshake.
 */
final class ConsoleRelay {
    /**
     * The most read from the screen, and sent to the browser as one frame, at a time: the largest buffer Jetty's
     * pool keeps (a larger one would be allocated and freed for every read).
     */
    static final int CHUNK = 64 * 1024;
    /** The browser's side carries keys, pointer moves and the odd clipboard text: a smaller buffer does. */
    static final int BROWSER_CHUNK = 16 * 1024;
    /**
     * What a spliced frame hands Jetty's write when the browser's socket is full (Jetty then waits for room): only a
     * little, because once there is room the splice goes on with the rest, uncopied.
     */
    static final int STALLED_COPY = 16 * 1024;
    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int POLICY = 1008;
    static final int UNEXPECTED = 1011;
    private static final long CLOSE_GRACE_SECONDS = 5;
    private static final long SCREEN_END_GRACE_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRelay.class);

    private final EndPoint browser;
    private final ByteBufferPool pool;
    private final Scheduler scheduler;
    private final Traffic traffic;
    private final ViewOnlyRfb viewOnly;
    private final Runnable whenEnded;
    private final boolean zeroCopy;
    private final BrowserConnection browserConnection;
    private final FromBrowser fromBrowser = new FromBrowser();
    private final ToBrowser toBrowser = new ToBrowser();
    private final Object lock = new Object();
    // Guarded by lock.
    private SocketChannel screenChannel;
    private ScreenConnection screen;
    private ScreenSplice splice;
    private boolean spliceRefused;
    private final Deque<ByteBuffer> control = new ArrayDeque<>();
    private boolean browserOpen;
    private boolean started;
    private boolean ending;
    private boolean browserSaidClose;
    private boolean closeSent;
    private boolean endNoticed;

    /** Where the relay counts what it carried. */
    interface Traffic {
        Traffic NONE = new Traffic() {
            @Override
            public void toScreen(int bytes) {
            }

            @Override
            public void toBrowser(int bytes) {
            }
        };

        void toScreen(int bytes);

        void toBrowser(int bytes);
    }

    private ConsoleRelay(EndPoint browser, ByteBufferPool pool, Scheduler scheduler, SocketChannel screenChannel,
                         boolean zeroCopy, Traffic traffic, ViewOnlyRfb viewOnly, Runnable whenEnded) {
        this.browser = browser;
        this.pool = pool;
        this.scheduler = scheduler;
        this.screenChannel = screenChannel;
        this.traffic = traffic;
        this.viewOnly = viewOnly;
        this.whenEnded = whenEnded;
        this.zeroCopy = zeroCopy;
        this.browserConnection = new BrowserConnection(browser);
    }

    /**
     * A console relaying {@code screenChannel}, which {@link ScreenSelector#register} then hands to Jetty's
     * selector; {@code zeroCopy} lets bulk screen traffic go through a {@link ScreenSplice} where the connection
     * allows; {@code viewOnly} filters the browser's side for a viewer (null for the owner).
     */
    static ConsoleRelay relaying(EndPoint browser, ByteBufferPool pool, Scheduler scheduler, SocketChannel screenChannel,
                                 boolean zeroCopy, Traffic traffic, ViewOnlyRfb viewOnly, Runnable whenEnded) {
        return new ConsoleRelay(browser, pool, scheduler, screenChannel, zeroCopy, traffic, viewOnly, whenEnded);
    }

    /** A refused console: once the browser's side is open it is closed with {@code code} and {@code words}. */
    static ConsoleRelay refusing(EndPoint browser, ByteBufferPool pool, Scheduler scheduler, int code, String words) {
        ConsoleRelay relay = new ConsoleRelay(browser, pool, scheduler, null, false, Traffic.NONE, null, () -> { });
        relay.end(code, words);
        return relay;
    }

    /** The connection that takes over the browser's socket after the handshake's 101. */
    Connection browserConnection() {
        return browserConnection;
    }

    SocketChannel screenChannel() {
        synchronized (lock) {
            return screenChannel;
        }
    }

    /** Jetty's selector registered the screen's socket: the guest's side of the relay. */
    Connection screenRegistered(EndPoint endPoint) {
        ScreenConnection connection = new ScreenConnection(endPoint);
        boolean closeNow;
        synchronized (lock) {
            screen = connection;
            closeNow = ending;
        }
        if (closeNow) {
            endPoint.close();
        }
        return connection;
    }

    /** Ends the console from outside, or for a reason of its own: the page gets the code and the words. */
    void end(int code, String words) {
        boolean flush;
        synchronized (lock) {
            if (ending) {
                return;
            }
            ending = true;
            control.add(ServerFrames.close(code, words));
            flush = started;
        }
        closeScreen();
        noticeEnd();
        if (flush) {
            toBrowser.iterate();
        } else {
            startIfReady();
        }
    }

    /** The browser's side closed, failed or never opened: nothing more can reach it. */
    void browserGone() {
        ScreenSplice spliced;
        synchronized (lock) {
            ending = true;
            control.clear();
            spliced = splice;
        }
        closeScreen();
        browser.close();
        if (spliced != null) {
            spliced.close();
        }
        noticeEnd();
    }

    /** Closes the screen's socket; what a splice's pipe holds may still go to the browser before the close frame. */
    private void closeScreen() {
        ScreenConnection connection;
        SocketChannel channel;
        ScreenSplice spliced;
        synchronized (lock) {
            connection = screen;
            channel = screenChannel;
            spliced = splice;
        }
        if (spliced != null) {
            spliced.closeScreen();
        }
        if (connection != null) {
            connection.getEndPoint().close();
        } else if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing a console's screen socket: {}", e.toString());
            }
        }
    }

    private void noticeEnd() {
        synchronized (lock) {
            if (endNoticed) {
                return;
            }
            endNoticed = true;
        }
        whenEnded.run();
    }

    private void startIfReady() {
        synchronized (lock) {
            boolean screenReady = screen != null || screenChannel == null || ending;
            if (started || !browserOpen || !screenReady) {
                return;
            }
            started = true;
        }
        fromBrowser.iterate();
        toBrowser.iterate();
    }

    /** The console's splice, opened on first use; null once the console ends, or if its connection cannot have one. */
    private ScreenSplice splice() {
        synchronized (lock) {
            if (ending) {
                return null;
            }
            if (splice == null && zeroCopy && !spliceRefused) {
                try {
                    splice = ScreenSplice.open(screenChannel, browser);
                } catch (IOException failed) {
                    LOG.warn("A console copies its screen, the splice failed: {}", failed.toString());
                }
                spliceRefused = splice == null;
            }
            return splice;
        }
    }

    private ScreenConnection screen() {
        synchronized (lock) {
            return ending ? null : screen;
        }
    }

    /**
     * Queues the answer to a ping in place of one still waiting (RFC 6455 5.5.3 lets a pong answer only the latest
     * ping): the browser is read on while its socket is full, and a pong for every ping would pile up.
     */
    private void queuePong(ByteBuffer pong) {
        synchronized (lock) {
            if (!ending) {
                control.removeIf(frame -> !isClose(frame));
                control.add(pong);
            }
        }
        toBrowser.iterate();
    }

    /** After our close frame went out: close at once if the browser closed first, else give it time to answer. */
    private void closeFrameSent() {
        boolean answered;
        synchronized (lock) {
            closeSent = true;
            answered = browserSaidClose;
        }
        if (answered) {
            browser.close();
        } else {
            browser.shutdownOutput();
            scheduler.schedule(browser::close, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** The browser's close frame came: answer it if we have not spoken yet, or close if that was its answer. */
    private void browserSaidClose(int code) {
        boolean answered;
        synchronized (lock) {
            browserSaidClose = true;
            answered = closeSent;
        }
        if (answered) {
            browser.close();
        } else {
            end(BrowserFrames.sendableCloseCode(code) ? code : NORMAL, "");
        }
    }

    private static boolean isClose(ByteBuffer frame) {
        return (frame.get(frame.position()) & 0x0f) == 0x8;
    }

    /**
     * The guest's screen to the browser, and the only writer to the browser. Small updates (keys echoed, a cursor)
     * are read into a buffer and written with their header, two calls. Once a read fills the buffer the screen is
     * sending a lot, and while it does, and the JVM and connection allow it, its bytes go zero-copy through a
     * {@link ScreenSplice} instead: a frame of up to the pipe's size that never enters the JVM.
     */
    private final class ToBrowser extends IteratingCallback {
        private final ByteBuffer header = ByteBuffer.allocate(ServerFrames.MAX_HEADER);
        private RetainableByteBuffer buffer;
        private boolean closeWritten;
        /** The last read took less than the buffer held, so the socket is most likely empty now. */
        private boolean drained;
        /** The screen is sending a lot: read it through the splice. */
        private boolean bulk;
        /** Payload bytes of the frame under way that are still in the splice's pipe: they go before anything else. */
        private long inPipe;

        @Override
        protected Action process() {
            while (true) {
                Action next = step();
                if (next != null) {
                    return next;
                }
            }
        }

        /** One step: the action to report, or null to take the next step at once. */
        private Action step() {
            if (closeWritten) {
                release();
                closeFrameSent();
                return Action.SUCCEEDED;
            }
            if (inPipe > 0) {
                return sendPipe();
            }
            ByteBuffer frame;
            synchronized (lock) {
                frame = control.poll();
            }
            if (frame != null) {
                closeWritten = isClose(frame);
                browser.write(this, frame);
                return Action.SCHEDULED;
            }
            ScreenConnection from;
            synchronized (lock) {
                if (ending) {
                    // The browser is gone (an end's close frame would have been in the queue).
                    release();
                    return Action.SUCCEEDED;
                }
                from = screen;
            }
            if (from == null) {
                return Action.IDLE;
            }
            if (drained) {
                // Reading a socket just emptied only to learn that it is empty would cost a call per message.
                drained = false;
                return waitForScreen(from);
            }
            ScreenSplice splice = bulk ? splice() : null;
            return splice != null ? spliceScreen(splice, from) : copyScreen(from);
        }

        private Action copyScreen(ScreenConnection from) {
            if (buffer == null) {
                buffer = pool.acquire(CHUNK, true);
            }
            ByteBuffer data = buffer.getByteBuffer();
            BufferUtil.clear(data);
            int read;
            try {
                read = from.getEndPoint().fill(data);
            } catch (IOException broken) {
                LOG.debug("Reading a guest's screen: {}", broken.toString());
                read = -2;
            }
            if (read <= 0) {
                return screenHadNothing(read, from);
            }
            drained = read < data.capacity();
            bulk = zeroCopy && !drained;
            traffic.toBrowser(read);
            browser.write(this, ServerFrames.binaryHeader(header, read), data);
            return Action.SCHEDULED;
        }

        private Action spliceScreen(ScreenSplice splice, ScreenConnection from) {
            long moved;
            try {
                moved = splice.fromScreen();
            } catch (IOException broken) {
                LOG.debug("Reading a guest's screen: {}", broken.toString());
                moved = -2;
            }
            if (moved <= 0) {
                return screenHadNothing((int) moved, from);
            }
            // A small update goes quicker the copying way: two calls instead of three. While the screen is busy it
            // is read again at once, not after a trip through the selector: more has most likely come meanwhile.
            bulk = moved >= BROWSER_CHUNK;
            drained = !bulk;
            traffic.toBrowser((int) moved);
            inPipe = moved;
            ServerFrames.binaryHeader(header, (int) moved);
            try {
                splice.sendHeader(header);
            } catch (IOException gone) {
                return browserBroke(gone);
            }
            if (header.hasRemaining()) {
                // The browser's socket is full: Jetty's write waits for room.
                browser.write(this, header);
                return Action.SCHEDULED;
            }
            return null;
        }

        /** The rest of a spliced frame's payload, or as much as the browser's socket takes now. */
        private Action sendPipe() {
            ScreenSplice splice;
            synchronized (lock) {
                splice = ConsoleRelay.this.splice;
            }
            try {
                long moved = splice.toBrowser(inPipe);
                if (moved > 0) {
                    inPipe -= moved;
                    if (browser instanceof IdleTimeout watched) {
                        // Bytes that bypass Jetty's write do not tell it the connection is busy.
                        watched.notIdle();
                    }
                    return null;
                }
                // The socket is full. Jetty's write waits for room; it needs bytes to write, so a few are copied.
                if (buffer == null) {
                    buffer = pool.acquire(CHUNK, true);
                }
                ByteBuffer data = buffer.getByteBuffer();
                BufferUtil.clear(data);
                inPipe -= splice.copyOut(data, (int) Math.min(inPipe, STALLED_COPY));
                browser.write(this, data);
                return Action.SCHEDULED;
            } catch (IOException gone) {
                return browserBroke(gone);
            }
        }

        /** What an empty, ended or broken screen read leads to. */
        private Action screenHadNothing(int read, ScreenConnection from) {
            if (read == 0) {
                return waitForScreen(from);
            }
            if (read == -1) {
                // QEMU closes its screen as it exits, and the portal hears of the exit a moment later: wait a
                // little for that end, whose words ("The guest stopped.") tell the page to reconnect when it runs.
                scheduler.schedule(() -> end(NORMAL, "The guest's screen closed the connection."),
                        SCREEN_END_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                return Action.IDLE;
            }
            end(UNEXPECTED, "The connection to the guest's screen broke.");
            return Action.IDLE;
        }

        private Action waitForScreen(ScreenConnection from) {
            if (!from.isFillInterested()) {
                from.fillInterested();
            }
            return Action.IDLE;
        }

        private Action browserBroke(IOException gone) {
            LOG.debug("Writing to a console's browser: {}", gone.toString());
            release();
            browserGone();
            return Action.SUCCEEDED;
        }

        private void release() {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            release();
            browserGone();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** The browser's frames to the guest's screen. */
    private final class FromBrowser extends IteratingCallback {
        private final BrowserFrames frames = new BrowserFrames();
        private RetainableByteBuffer buffer;
        /** As {@link ToBrowser#drained}: the last read left room in the buffer. */
        private boolean drained;

        @Override
        protected Action process() {
            while (true) {
                if (buffer == null) {
                    buffer = pool.acquire(BROWSER_CHUNK, true);
                    BufferUtil.clear(buffer.getByteBuffer());
                }
                ByteBuffer in = buffer.getByteBuffer();
                BrowserFrames.Event event;
                try {
                    event = frames.next(in);
                } catch (BrowserFrames.Violation broken) {
                    release();
                    end(broken.closeCode(), broken.getMessage());
                    return Action.SUCCEEDED;
                }
                switch (event.kind()) {
                    case DATA -> {
                        ByteBuffer out = forScreen(event.payload());
                        ScreenConnection to = screen();
                        if (out != null && out.hasRemaining() && to != null) {
                            traffic.toScreen(out.remaining());
                            to.getEndPoint().write(this, out);
                            return Action.SCHEDULED;
                        }
                    }
                    case PING -> queuePong(ServerFrames.pong(event.payload()));
                    case PONG -> {
                        // an answer to nothing we asked; nothing to do
                    }
                    case CLOSE -> {
                        release();
                        browserSaidClose(event.closeCode());
                        return Action.SUCCEEDED;
                    }
                    case NEED_MORE -> {
                        int read;
                        try {
                            int room = in.capacity() - in.remaining();
                            read = drained ? 0 : browser.fill(in);
                            drained = read > 0 && read < room;
                        } catch (IOException gone) {
                            read = -1;
                        }
                        if (read < 0) {
                            release();
                            browserGone();
                            return Action.SUCCEEDED;
                        }
                        if (read == 0) {
                            if (!browserConnection.isFillInterested()) {
                                browserConnection.fillInterested();
                            }
                            return Action.IDLE;
                        }
                    }
                    default -> throw new IllegalStateException(event.kind().name());
                }
            }
        }

        /** What of the browser's bytes goes to the screen: all, for the owner; what a viewer may send, for a viewer. */
        private ByteBuffer forScreen(ByteBuffer payload) {
            if (viewOnly == null) {
                return payload;
            }
            try {
                return viewOnly.filter(payload);
            } catch (ViewOnlyRfb.RefusedMessage refused) {
                end(POLICY, "View only: " + refused.getMessage());
                return null;
            }
        }

        private void release() {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            release();
            LOG.debug("Writing to a guest's screen: {}", cause.toString());
            end(UNEXPECTED, "The connection to the guest's screen broke.");
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** The browser's socket after the 101: read when readable, closed when idle too long. */
    private final class BrowserConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeTo {
        BrowserConnection(EndPoint endPoint) {
            super(endPoint, Runnable::run);
        }

        @Override
        public void onUpgradeTo(ByteBuffer prefilled) {
            if (BufferUtil.hasContent(prefilled)) {
                // Frames sent right behind the handshake, before Jetty handed the socket over.
                fromBrowser.buffer = pool.acquire(Math.max(BROWSER_CHUNK, prefilled.remaining()), true);
                ByteBuffer in = fromBrowser.buffer.getByteBuffer();
                BufferUtil.clear(in);
                BufferUtil.append(in, prefilled);
            }
        }

        @Override
        public void onOpen() {
            super.onOpen();
            synchronized (lock) {
                browserOpen = true;
            }
            startIfReady();
        }

        @Override
        public void onFillable() {
            fromBrowser.iterate();
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            // Closed while waiting to read: the next fill sees it, and the relay ends.
            fromBrowser.iterate();
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            boolean alreadyEnding;
            synchronized (lock) {
                alreadyEnding = ending;
            }
            if (alreadyEnding) {
                // An idle period since the console ended, and the browser has neither taken our close frame nor
                // answered it: it stopped reading, and its socket and buffer would be held for as long as it likes.
                browser.close();
            } else {
                end(GOING_AWAY, "The console was idle for too long.");
            }
            return false;
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            browserGone();
        }
    }

    /** The guest's VNC socket, registered with Jetty's selector. */
    private final class ScreenConnection extends AbstractConnection.NonBlocking {
        ScreenConnection(EndPoint endPoint) {
            super(endPoint, Runnable::run);
        }

        @Override
        public void onOpen() {
            super.onOpen();
            startIfReady();
        }

        @Override
        public void onFillable() {
            toBrowser.iterate();
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            toBrowser.iterate();
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            // A quiet screen is a still picture, not a fault; the browser's side has the idle timeout.
            return false;
        }
    }
}
