package io.kvmportal.web.console;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One direction of a console's relay ({@link ScreenToBrowser}, {@link BrowserToScreen}): a callback that never
 * blocks, run on the selector thread that saw its bytes arrive, with a buffer from Jetty's pool that it takes when
 * its first bytes come and keeps until the direction ends (giving it back whenever the side went quiet cost a
 * fifth of a round trip).
 */
abstract class RelayDirection extends IteratingCallback {
    private final ByteBufferPool pool;
    private RetainableByteBuffer buffer;

    RelayDirection(ByteBufferPool pool) {
        this.pool = pool;
    }

    /** The buffer this direction holds, or null before its first bytes. */
    final ByteBuffer heldBuffer() {
        return buffer == null ? null : buffer.getByteBuffer();
    }

    /** The buffer, taken from the pool with at least {@code size} bytes if none is held yet, and emptied. */
    final ByteBuffer emptyBuffer(int size) {
        if (buffer == null) {
            buffer = pool.acquire(size, true);
        }
        ByteBuffer empty = buffer.getByteBuffer();
        BufferUtil.clear(empty);
        return empty;
    }

    /** Gives the buffer back to the pool: the direction has ended. */
    final void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
