package io.kvmportal.web.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest's screen to the browser, and the only writer to the browser. Small updates (keys echoed, a cursor)
 * are read into a buffer and written with their header, two calls. Once a read fills the buffer the screen is
 * sending a lot, and while it does, and the JVM and connection allow it, its bytes go zero-copy through a
 * {@link ScreenSplice} instead: a frame of up to the pipe's size that never enters the JVM.
 */
final class ScreenToBrowser extends RelayDirection {
    /**
     * What a spliced frame hands Jetty's write when the browser's socket is full (Jetty then waits for room): only a
     * little, because once there is room the splice goes on with the rest, uncopied.
     */
    static final int STALLED_COPY = 16 * 1024;
    private static final long SCREEN_END_GRACE_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ScreenToBrowser.class);
    private final ConsoleRelay relay;
    private final EndPoint browser;
    private final Scheduler scheduler;
    private final ConsoleRelay.Traffic traffic;
    private final boolean zeroCopy;
    private final ByteBuffer header = ByteBuffer.allocate(ServerFrames.MAX_HEADER);
    private boolean closeWritten;
    /** The last read took less than the buffer held, so the socket is most likely empty now. */
    private boolean drained;
    /** The screen is sending a lot: read it through the splice. */
    private boolean bulk;
    /** Payload bytes of the frame under way that are still in the splice's pipe: they go before anything else. */
    private long inPipe;

    ScreenToBrowser(ConsoleRelay relay, EndPoint browser, ByteBufferPool pool, Scheduler scheduler,
                    ConsoleRelay.Traffic traffic, boolean zeroCopy) {
        super(pool);
        this.relay = relay;
        this.browser = browser;
        this.scheduler = scheduler;
        this.traffic = traffic;
        this.zeroCopy = zeroCopy;
    }

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
            relay.closeFrameSent();
            return Action.SUCCEEDED;
        }
        if (inPipe > 0) {
            return sendPipe();
        }
        ByteBuffer frame = relay.nextControlFrame();
        if (frame == ConsoleRelay.BROWSER_GONE) {
            release();
            return Action.SUCCEEDED;
        }
        if (frame != null) {
            closeWritten = ServerFrames.isClose(frame);
            browser.write(this, frame);
            return Action.SCHEDULED;
        }
        // Null until Jetty registered the screen, and once the console is ending (its close frame comes next).
        AbstractConnection from = relay.screen();
        if (from == null) {
            return Action.IDLE;
        }
        if (drained) {
            // Reading a socket just emptied only to learn that it is empty would cost a call per message.
            drained = false;
            return waitForScreen(from);
        }
        ScreenSplice splice = bulk ? relay.splice() : null;
        return splice != null ? spliceScreen(splice, from) : copyScreen(from);
    }

    private Action copyScreen(AbstractConnection from) {
        ByteBuffer data = emptyBuffer(ConsoleRelay.CHUNK);
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

    private Action spliceScreen(ScreenSplice splice, AbstractConnection from) {
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
        bulk = moved >= ConsoleRelay.BROWSER_CHUNK;
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
        ScreenSplice splice = relay.spliceInUse();
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
            ByteBuffer data = emptyBuffer(ConsoleRelay.CHUNK);
            inPipe -= splice.copyOut(data, (int) Math.min(inPipe, STALLED_COPY));
            browser.write(this, data);
            return Action.SCHEDULED;
        } catch (IOException gone) {
            return browserBroke(gone);
        }
    }

    /** What an empty, ended or broken screen read leads to. */
    private Action screenHadNothing(int read, AbstractConnection from) {
        if (read == 0) {
            return waitForScreen(from);
        }
        if (read == -1) {
            // QEMU closes its screen as it exits, and the portal hears of the exit a moment later: wait a
            // little for that end, whose words ("The guest stopped.") tell the page to reconnect when it runs.
            scheduler.schedule(() -> relay.end(ConsoleRelay.NORMAL, "The guest's screen closed the connection."),
                    SCREEN_END_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return Action.IDLE;
        }
        relay.end(ConsoleRelay.UNEXPECTED, "The connection to the guest's screen broke.");
        return Action.IDLE;
    }

    private Action waitForScreen(AbstractConnection from) {
        if (!from.isFillInterested()) {
            from.fillInterested();
        }
        return Action.IDLE;
    }

    private Action browserBroke(IOException gone) {
        LOG.debug("Writing to a console's browser: {}", gone.toString());
        release();
        relay.browserGone();
        return Action.SUCCEEDED;
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        release();
        relay.browserGone();
    }
}
