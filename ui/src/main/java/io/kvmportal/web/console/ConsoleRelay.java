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
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open console: the browser's WebSocket and the guest's VNC socket, relayed both ways on Jetty's selector
 * threads. Nothing here blocks, so a console holds no thread of its own, and a byte crosses with one read and
 * one write on the thread that saw it arrive; each direction is a {@link RelayDirection}. In order:
 * <ol>
 *   <li>screen to browser ({@link ScreenToBrowser}): read what the screen has (up to {@link #CHUNK}), send it as one
 *       binary frame, and read again only once the browser's socket took it all. While the screen sends a lot,
 *       its bytes go zero-copy instead ({@link ScreenSplice}), a frame of up to a pipe's size at a time. A browser
 *       that does not read stops the reading, and QEMU waits in turn. This is also the only writer to the browser,
 *       so the pongs and the close frame take their turn between screen frames;</li>
 *   <li>browser to screen ({@link BrowserToScreen}): frames are unmasked in place ({@link BrowserFrames}) and
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
    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int POLICY = 1008;
    static final int UNEXPECTED = 1011;
    /** {@link #nextControlFrame}'s answer once the browser's side is gone: the writer stops. */
    static final ByteBuffer BROWSER_GONE = ByteBuffer.allocate(0).asReadOnlyBuffer();
    private static final long CLOSE_GRACE_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRelay.class);

    private final EndPoint browser;
    private final Scheduler scheduler;
    private final Runnable whenEnded;
    private final boolean zeroCopy;
    private final BrowserConnection browserConnection;
    private final BrowserToScreen fromBrowser;
    private final ScreenToBrowser toBrowser;
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
    private boolean browserClosed;
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
        this.scheduler = scheduler;
        this.screenChannel = screenChannel;
        this.whenEnded = whenEnded;
        this.zeroCopy = zeroCopy;
        this.browserConnection = new BrowserConnection(browser);
        this.toBrowser = new ScreenToBrowser(this, browser, pool, scheduler, traffic, zeroCopy);
        this.fromBrowser = new BrowserToScreen(this, browserConnection, pool, traffic, viewOnly);
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
            browserClosed = true;
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
    ScreenSplice splice() {
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

    /** The splice a frame under way goes through, also once the console is ending: it finishes the frame first. */
    ScreenSplice spliceInUse() {
        synchronized (lock) {
            return splice;
        }
    }

    /** The guest's side, once Jetty registered it and until the console ends. */
    AbstractConnection screen() {
        synchronized (lock) {
            return ending ? null : screen;
        }
    }

    /**
     * The next pong or close frame to send between screen frames; null if none waits; {@link #BROWSER_GONE} once
     * the console ended with nothing left to send. One look under the lock: an end queues its close frame as it
     * marks the console ending, so a writer that saw no frame must not then see the end without its frame.
     */
    ByteBuffer nextControlFrame() {
        synchronized (lock) {
            ByteBuffer frame = control.poll();
            return frame == null && ending ? BROWSER_GONE : frame;
        }
    }

    /**
     * Queues the answer to a ping in place of one still waiting (RFC 6455 5.5.3 lets a pong answer only the latest
     * ping): the browser is read on while its socket is full, and a pong for every ping would pile up.
     */
    void queuePong(ByteBuffer pong) {
        synchronized (lock) {
            if (!ending) {
                control.removeIf(frame -> !ServerFrames.isClose(frame));
                control.add(pong);
            }
        }
        toBrowser.iterate();
    }

    /** Whether the browser has had its last word from this console: the close frame went out, or the browser is gone. */
    boolean finished() {
        synchronized (lock) {
            return closeSent || browserClosed;
        }
    }

    /** After our close frame went out: close at once if the browser closed first, else give it time to answer. */
    void closeFrameSent() {
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
    void browserSaidClose(int code) {
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

    /** The browser's socket after the 101: read when readable, closed when idle too long. */
    private final class BrowserConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeTo {
        BrowserConnection(EndPoint endPoint) {
            super(endPoint, Runnable::run);
        }

        @Override
        public void onUpgradeTo(ByteBuffer prefilled) {
            if (BufferUtil.hasContent(prefilled)) {
                // Frames sent right behind the handshake, before Jetty handed the socket over.
                fromBrowser.prefill(prefilled);
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
