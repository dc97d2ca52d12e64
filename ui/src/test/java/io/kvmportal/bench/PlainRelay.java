package io.kvmportal.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The floor for any relay on this machine: TCP to TCP, no WebSocket framing, a blocking thread per direction
 * copying through one direct buffer. It runs in the bench portal's JVM, so the benchmark can show how much of the
 * portal's cost is the relaying itself and how much the WebSocket layer.
 */
final class PlainRelay implements AutoCloseable {
    private final ServerSocketChannel server;
    private final SocketAddress source;

    PlainRelay(SocketAddress source) throws IOException {
        this.source = source;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::acceptAll, "plain-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    private void acceptAll() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel target = SocketChannel.open(source);
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                target.setOption(StandardSocketOptions.TCP_NODELAY, true);
                copy(client, target);
                copy(target, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void copy(SocketChannel from, SocketChannel to) {
        Thread copier = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try (from; to) {
                while (from.read(buffer.clear()) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                }
            } catch (IOException gone) {
                // either side closed; both are closed now
            }
        }, "plain-relay-copy");
        copier.setDaemon(true);
        copier.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
