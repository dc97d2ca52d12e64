package io.kvmportal.host.testing;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test guest's serial port: read through serial.log (QEMU's logfile= copy of everything the
 * guest printed), typed into through serial.sock, where the guest runs a root shell.
 */
public final class TestSerialConsole implements AutoCloseable {
    private final Path socket;
    private final Path log;
    private final BooleanSupplier qemuAlive;
    private SocketChannel connection;

    TestSerialConsole(Path socket, Path log, BooleanSupplier qemuAlive) {
        this.socket = socket;
        this.log = log;
        this.qemuAlive = qemuAlive;
    }

    /** Waits until serial.log holds {@code text}; returns the nanoTime it was first seen. */
    public long awaitText(String text, Duration timeout) throws IOException, InterruptedException {
        awaitMatch(Pattern.quote(text), timeout);
        return System.nanoTime();
    }

    /** The first match of {@code regex} in serial.log within {@code timeout}. */
    public String awaitMatch(String regex, Duration timeout) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "");
            if (m.find()) {
                return m.group();
            }
            if (!qemuAlive.getAsBoolean()) {
                throw new IOException("QEMU ended before /" + regex + "/ appeared in " + log);
            }
            Thread.sleep(20);
        }
        throw new IOException("no match of /" + regex + "/ in " + log + " within " + timeout);
    }

    /**
     * Types {@code line} and Enter. The connection stays open until {@link #close}: QEMU takes input
     * only as fast as the emulated UART's 16-byte FIFO drains, and drops what is unread when the
     * client hangs up. What QEMU sends back is read and discarded, so the guest's output never stalls
     * on a full socket; serial.log has the same bytes.
     */
    public synchronized void type(String line) throws IOException {
        if (connection == null) {
            connection = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            Thread drain = new Thread(this::drain, "serial-drain " + socket);
            drain.setDaemon(true);
            drain.start();
        }
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            connection.write(bytes);
        }
    }

    private void drain() {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try {
            while (connection.read(sink.clear()) >= 0) {
                // discarded: serial.log holds the same bytes
            }
        } catch (IOException closed) {
            // the guest or the test ended
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (connection != null) {
            connection.close();
        }
    }
}
