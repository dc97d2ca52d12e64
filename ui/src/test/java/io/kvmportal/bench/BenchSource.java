package io.kvmportal.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The one TCP byte source that every path of the benchmark relays: each connection's first byte says what it
 * wants: {@code 'S'} and an 8-byte count streams that many bytes, {@code 'E'} echoes; both until the client
 * closes. Anything else (or nothing) holds the connection open, as an idle screen does.
 */
final class BenchSource implements AutoCloseable {
    static final byte STREAM = 'S';
    static final byte ECHO = 'E';
    private final ServerSocketChannel server;
    private final Thread acceptor;

    BenchSource() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = new Thread(this::acceptAll, "bench-source");
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
                client.socket().setTcpNoDelay(true);
                Thread serve = new Thread(() -> serve(client), "bench-source-client");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(SocketChannel client) {
        try (client) {
            ByteBuffer command = ByteBuffer.allocate(1);
            if (client.read(command) < 0) {
                return;
            }
            switch (command.get(0)) {
                case STREAM -> stream(client);
                case ECHO -> echo(client);
                default -> client.read(ByteBuffer.allocate(1));
            }
        } catch (IOException gone) {
            // the client went away; nothing to report
        }
    }

    private static void stream(SocketChannel client) throws IOException {
        ByteBuffer count = ByteBuffer.allocate(8);
        while (count.hasRemaining()) {
            if (client.read(count) < 0) {
                return;
            }
        }
        long left = count.flip().getLong();
        ByteBuffer block = ByteBuffer.allocateDirect(256 * 1024);
        while (left > 0) {
            block.clear().limit((int) Math.min(block.capacity(), left));
            while (block.hasRemaining()) {
                left -= client.write(block);
            }
        }
        // The client closes when it has it all: a relay that sees the source close may drop what it still holds.
        client.read(ByteBuffer.allocate(1));
    }

    private static void echo(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        while (client.read(buffer.clear()) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                client.write(buffer);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
