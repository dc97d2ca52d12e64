package io.kvmportal.host.qemu;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A scripted QMP peer on a unix socket, to drive the client into the cases real QEMU rarely shows. */
final class FakeQmpServer implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocketChannel server;
    private final Path path;
    private final CompletableFuture<SocketChannel> accepted;
    private QmpLineReader reader;

    FakeQmpServer(Path path) throws IOException {
        this.path = path;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    Path path() {
        return path;
    }

    /** Greets, answers qmp_capabilities; run on a thread while the client connects. */
    CompletableFuture<Void> negotiateAsync() {
        return CompletableFuture.runAsync(() -> {
            send(GREETING);
            JsonNode caps = read();
            send("{\"return\": {}, \"id\": " + caps.get("id") + "}");
        });
    }

    void send(String line) {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            SocketChannel ch = accepted.join();
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void sendRaw(byte[] data) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(data);
            while (bytes.hasRemaining()) {
                accepted.join().write(bytes);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    JsonNode read() {
        try {
            if (reader == null) {
                reader = new QmpLineReader(accepted.join(), 1 << 20);
            }
            return JSON.readTree(reader.readLine());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Ends the connection as an exiting QEMU would. */
    void hangUp() throws IOException {
        accepted.join().close();
    }

    @Override
    public void close() throws IOException {
        if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
            accepted.join().close();
        }
        server.close();
    }
}
