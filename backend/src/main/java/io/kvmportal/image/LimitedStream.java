package io.kvmportal.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An image's bytes on their way to the agent: counted, cut off with an error one byte past the limit, and with the
 * source's own failure (a client that went away) kept, so that the caller can say which of these ended a transfer.
 */
final class LimitedStream extends FilterInputStream {
    private final long limit;
    private long count;
    private boolean overLimit;
    private IOException failure;

    LimitedStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read;
        try {
            read = super.read(buffer, offset, length);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (read > 0) {
            count += read;
            if (count > limit) {
                overLimit = true;
                throw new IOException("more than the limit of " + limit + " bytes");
            }
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("an image's bytes are read, not skipped");
    }

    long count() {
        return count;
    }

    boolean overLimit() {
        return overLimit;
    }

    IOException failure() {
        return failure;
    }
}
