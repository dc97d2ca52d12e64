package io.kvmportal.bench;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The floor for a copying relay on this machine: TCP to TCP, no WebSocket framing, a blocking thread per direction
 * copying through one direct buffer. It runs in the bench portal's JVM, so the benchmark can show how much of the
 * portal's cost is the relaying itself and how much the WebSocket layer.
 */
final class PlainRelay extends TcpRelay {

    PlainRelay(SocketAddress source) throws IOException {
        super(source, "plain-relay");
    }

    @Override
    protected void carry(SocketChannel from, SocketChannel to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        while (from.read(buffer.clear()) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                to.write(buffer);
            }
        }
    }
}
