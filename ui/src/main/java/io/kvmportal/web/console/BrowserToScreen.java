package io.kvmportal.web.console;

import io.kvmportal.console.ViewOnlyRfb;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.BufferUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's frames to the guest's screen: unmasked in place ({@link BrowserFrames}), filtered for a viewer, and
 * written to the screen; the browser is read again only once the screen took them. Pings are answered through the
 * relay's writer to the browser ({@link ScreenToBrowser}).
 */
final class BrowserToScreen extends RelayDirection {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserToScreen.class);
    private final ConsoleRelay relay;
    private final AbstractConnection browserConnection;
    private final ConsoleRelay.Traffic traffic;
    private final ViewOnlyRfb viewOnly;
    private final BrowserFrames frames = new BrowserFrames();
    /** The last read left room in the buffer, so the socket is most likely empty now. */
    private boolean drained;

    /** {@code viewOnly} filters what a viewer sends (null for the owner). */
    BrowserToScreen(ConsoleRelay relay, AbstractConnection browserConnection, ByteBufferPool pool,
                    ConsoleRelay.Traffic traffic, ViewOnlyRfb viewOnly) {
        super(pool);
        this.relay = relay;
        this.browserConnection = browserConnection;
        this.traffic = traffic;
        this.viewOnly = viewOnly;
    }

    /** Frames the browser sent right behind the handshake, before Jetty handed the socket over. */
    void prefill(ByteBuffer prefilled) {
        BufferUtil.append(emptyBuffer(Math.max(ConsoleRelay.BROWSER_CHUNK, prefilled.remaining())), prefilled);
    }

    @Override
    protected Action process() {
        while (true) {
            // Kept between reads: it may hold the start of a frame.
            ByteBuffer in = heldBuffer() != null ? heldBuffer() : emptyBuffer(ConsoleRelay.BROWSER_CHUNK);
            BrowserFrames.Event event;
            try {
                event = frames.next(in);
            } catch (BrowserFrames.Violation broken) {
                release();
                relay.end(broken.closeCode(), broken.getMessage());
                return Action.SUCCEEDED;
            }
            switch (event.kind()) {
                case DATA -> {
                    ByteBuffer out = forScreen(event.payload());
                    AbstractConnection to = relay.screen();
                    if (out != null && out.hasRemaining() && to != null) {
                        traffic.toScreen(out.remaining());
                        to.getEndPoint().write(this, out);
                        return Action.SCHEDULED;
                    }
                }
                case PING -> relay.queuePong(ServerFrames.pong(event.payload()));
                case PONG -> {
                    // an answer to nothing we asked; nothing to do
                }
                case CLOSE -> {
                    release();
                    relay.browserSaidClose(event.closeCode());
                    return Action.SUCCEEDED;
                }
                case NEED_MORE -> {
                    int read;
                    try {
                        int room = in.capacity() - in.remaining();
                        read = drained ? 0 : browserConnection.getEndPoint().fill(in);
                        drained = read > 0 && read < room;
                    } catch (IOException gone) {
                        read = -1;
                    }
                    if (read < 0) {
                        release();
                        relay.browserGone();
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
            relay.end(ConsoleRelay.POLICY, "View only: " + refused.getMessage());
            return null;
        }
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        release();
        LOG.debug("Writing to a guest's screen: {}", cause.toString());
        relay.end(ConsoleRelay.UNEXPECTED, "The connection to the guest's screen broke.");
    }
}
