package io.kvmportal.agent.grpc;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The bytes of a streamed upload as an InputStream, chunk by chunk as they arrive. It asks for the next chunk
 * ({@code more}) only when it starts reading one, so with gRPC's automatic requests off at most one chunk waits
 * here and the rest of the upload stays with the sender (HTTP/2 flow control), whatever the upload's size.
 */
final class ChunkStream extends InputStream {
    private static final Object END = new Object();
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final Runnable more;
    private ByteBuffer current = NOTHING;
    private boolean ended;

    ChunkStream(Runnable more) {
        this.more = more;
    }

    void offer(ByteString data) {
        arrived.add(data);
    }

    void end() {
        arrived.add(END);
    }

    /** The sender went away or broke the protocol: the reader gets an IOException with these words. */
    void abort(String why) {
        arrived.add(new IOException(why));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (ended) {
                return -1;
            }
            Object next = take();
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof IOException broken) {
                ended = true;
                throw new IOException(broken.getMessage(), broken);
            }
            current = ((ByteString) next).asReadOnlyByteBuffer();
            more.run();
        }
        int count = Math.min(length, current.remaining());
        current.get(into, offset, count);
        return count;
    }

    @Override
    public int available() {
        return current.remaining();
    }

    private Object take() throws IOException {
        try {
            return arrived.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload's next bytes");
        }
    }
}
