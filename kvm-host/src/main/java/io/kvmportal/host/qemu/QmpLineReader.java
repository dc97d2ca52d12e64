package io.kvmportal.host.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/** Splits the QMP stream into lines, refusing any line above a bound: QEMU must not make us buffer without end. */
final class QmpLineReader {
    private final ReadableByteChannel channel;
    private final int maxLineBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    QmpLineReader(ReadableByteChannel channel, int maxLineBytes) {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        buffer.flip();
    }

    /** The next line without its end, or null at end of stream. */
    String readLine() throws IOException {
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                if (line.size() >= maxLineBytes) {
                    throw QmpException.protocol("QMP line longer than " + maxLineBytes + " bytes");
                }
                line.write(b);
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return null;
            }
        }
    }
}
