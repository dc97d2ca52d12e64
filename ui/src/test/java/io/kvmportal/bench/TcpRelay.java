package io.kvmportal.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP relay for the benchmark's scale: each connection to {@link #port} gets one to the source, and a thread per
 * direction that carries bytes until either side closes ({@link #carry}); both sockets are closed then.
 */
abstract class TcpRelay implements AutoCloseable {
    private final ServerSocketChannel server;
    private final SocketAddress source;
    private final String name;

    TcpRelay(SocketAddress source, String name) throws IOException {
        this.source = source;
        this.name = name;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::acceptAll, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Carries what {@code from} sends to {@code to} until either closes. */
    protected abstract void carry(SocketChannel from, SocketChannel to) throws IOException;

    private void acceptAll() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel target = SocketChannel.open(source);
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                target.setOption(StandardSocketOptions.TCP_NODELAY, true);
                start(client, target);
                start(target, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void start(SocketChannel from, SocketChannel to) {
        Thread copier = new Thread(() -> {
            try (from; to) {
                carry(from, to);
            } catch (IOException gone) {
                // either side closed; both are closed now
            }
        }, name + "-copy");
        copier.setDaemon(true);
        copier.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
