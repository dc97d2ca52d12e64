package io.kvmportal.bench;

import io.kvmportal.console.ConsoleConfiguration;
import io.kvmportal.console.ScreenSocket;
import io.kvmportal.host.GuestDefinition;
import io.kvmportal.host.Host;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.qemu.BootSource;
import io.kvmportal.host.qemu.Nic;
import io.kvmportal.host.testing.ScratchHost;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Benchmark, not a test: a real QEMU's screen (TCG, an empty disk: SeaBIOS's text screen) reached the two ways, in
 * one run, rounds alternating: connecting to the guest's {@code vnc.sock} as the portal did while it ran as root (as
 * {@code Host.openVnc} did, less its owner checks, which cost microseconds), and handed over to the portal's
 * {@link ScreenSocket} by the host (ticket, QMP {@code getfd} with the socket attached, {@code add_client}), as the
 * portal gets it now. Figures: opening a console up to QEMU's first RFB bytes (median, p90), and a screen's
 * throughput afterwards: full-screen raw frames, each asked for anew (non-incremental), in frames and MiB per second.
 * The second says whether the relay's input differs: a unix stream socket with QEMU at the other end either way.
 * As root, from the repository root:
 * <pre>
 * mvn -q -o -pl backend -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * cd backend && java --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat target/classpath.txt) io.kvmportal.bench.ScreenHandOverBenchmark
 * </pre>
 * Arguments (optional): openings per round (50), frames per round (100), rounds (5).
 */
public final class ScreenHandOverBenchmark {
    private static final Duration HAND_OVER_WAIT = Duration.ofSeconds(5);

    private ScreenHandOverBenchmark() {
    }

    /** One way to a guest's screen. */
    private interface Way {
        SocketChannel open() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int openings = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path portalDir = TestNames.tempDirectory();
        String login = TestNames.random();
        UUID uuid = UUID.randomUUID();
        ConsoleConfiguration configuration = new ConsoleConfiguration();
        configuration.setScreenSocket(portalDir.resolve("screens.sock"));
        int uid = (Integer) Files.getAttribute(portalDir, "unix:uid");
        ScratchHost scratch = new ScratchHost(Accelerator.TCG, (guest, exit) -> { }, configuration.getScreenSocket(),
                uid);
        try (ScreenSocket socket = new ScreenSocket(configuration, new SecureRandom())) {
            Host host = scratch.host();
            host.createDisk(uuid, login, Optional.empty(), 16L << 20);
            host.start(new GuestDefinition(uuid, "kvmptest-bench", login, 1, 64, new BootSource.FromDisk(), Nic.NONE));
            Path vncSocket = scratch.dataDir().resolve("guests").resolve(uuid.toString().replace("-", ""))
                    .resolve("vnc.sock");
            Way direct = () -> SocketChannel.open(UnixDomainSocketAddress.of(vncSocket));
            Way handedOver = () -> {
                try (ScreenSocket.Pending pending = socket.expect()) {
                    host.handScreen(uuid, login, pending.ticket());
                    return pending.await(HAND_OVER_WAIT);
                }
            };
            run(List.of(direct, handedOver), List.of("vnc.sock (before)", "handed over (now)"), openings, frames,
                    rounds);
        } finally {
            scratch.remove(uuid, login);
            TestNames.deleteTree(portalDir);
        }
    }

    private static void run(List<Way> ways, List<String> names, int openings, int frames, int rounds)
            throws IOException {
        List<List<Long>> openNanos = List.of(new ArrayList<>(), new ArrayList<>());
        long[] frameNanos = new long[2];
        long[] frameBytes = new long[2];
        for (int round = -1; round < rounds; round++) { // round -1 warms up, unmeasured
            for (int w = 0; w < ways.size(); w++) {
                List<Long> opened = new ArrayList<>();
                for (int i = 0; i < openings; i++) {
                    long start = System.nanoTime();
                    try (SocketChannel screen = ways.get(w).open()) {
                        Rfb.readFully(screen, 12);
                        opened.add(System.nanoTime() - start);
                    }
                }
                try (SocketChannel screen = ways.get(w).open()) {
                    Rfb.readFully(screen, 12);
                    Rfb.FrameSize size = Rfb.handshake(screen);
                    long start = System.nanoTime();
                    long bytes = Rfb.frames(screen, size, frames);
                    if (round >= 0) {
                        frameNanos[w] += System.nanoTime() - start;
                        frameBytes[w] += bytes;
                        openNanos.get(w).addAll(opened);
                    }
                }
            }
        }
        for (int w = 0; w < ways.size(); w++) {
            List<Long> sorted = new ArrayList<>(openNanos.get(w));
            Collections.sort(sorted);
            double seconds = frameNanos[w] / 1e9;
            System.out.printf(Locale.ROOT, "%-20s open: median %.2f ms, p90 %.2f ms;  frames: %.1f/s, %.1f MiB/s%n",
                    names.get(w), millis(sorted, 0.5), millis(sorted, 0.9), frames * rounds / seconds,
                    frameBytes[w] / seconds / (1 << 20));
        }
        System.out.printf(Locale.ROOT, "ratio now/before:  open median %.2f, frame throughput %.2f%n",
                millis(sorted(openNanos.get(1)), 0.5) / millis(sorted(openNanos.get(0)), 0.5),
                (frameBytes[1] / (double) frameNanos[1]) / (frameBytes[0] / (double) frameNanos[0]));
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }

    private static double millis(List<Long> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * quantile))) / 1e6;
    }

    /** The client side of RFB 3.8, as far as the benchmark needs it: no authentication, raw frames. */
    private static final class Rfb {
        record FrameSize(int width, int height, int bytesPerPixel) {
        }

        /** After the server's version: version, security None, shared ClientInit, ServerInit; raw encoding only. */
        static FrameSize handshake(SocketChannel screen) throws IOException {
            write(screen, "RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int types = readFully(screen, 1).get() & 0xff;
            readFully(screen, types);
            write(screen, new byte[] {1});
            if (readFully(screen, 4).getInt() != 0) {
                throw new IOException("security handshake failed");
            }
            write(screen, new byte[] {1});
            ByteBuffer init = readFully(screen, 24);
            int width = init.getShort(0) & 0xffff;
            int height = init.getShort(2) & 0xffff;
            int bytesPerPixel = (init.get(4) & 0xff) / 8;
            readFully(screen, init.getInt(20));
            write(screen, ByteBuffer.allocate(8).put((byte) 2).put((byte) 0).putShort((short) 1).putInt(0).array());
            return new FrameSize(width, height, bytesPerPixel);
        }

        /** Asks for {@code count} whole frames one after the other and reads them; answers the bytes read. */
        static long frames(SocketChannel screen, FrameSize size, int count) throws IOException {
            byte[] request = ByteBuffer.allocate(10).put((byte) 3).put((byte) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) size.width()).putShort((short) size.height()).array();
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                write(screen, request);
                ByteBuffer header = readFully(screen, 4);
                if (header.get(0) != 0) {
                    throw new IOException("not a FramebufferUpdate: message type " + header.get(0));
                }
                int rectangles = header.getShort(2) & 0xffff;
                bytes += 4;
                for (int r = 0; r < rectangles; r++) {
                    ByteBuffer rectangle = readFully(screen, 12);
                    if (rectangle.getInt(8) != 0) {
                        throw new IOException("not a raw rectangle: encoding " + rectangle.getInt(8));
                    }
                    int pixels = (rectangle.getShort(4) & 0xffff) * (rectangle.getShort(6) & 0xffff);
                    readFully(screen, pixels * size.bytesPerPixel());
                    bytes += 12 + (long) pixels * size.bytesPerPixel();
                }
            }
            return bytes;
        }

        static ByteBuffer readFully(SocketChannel screen, int length) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            while (bytes.hasRemaining()) {
                if (screen.read(bytes) < 0) {
                    throw new IOException("the screen closed after " + bytes.position() + " of " + length + " bytes");
                }
            }
            return bytes.flip();
        }

        static void write(SocketChannel screen, byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                screen.write(buffer);
            }
        }
    }
}
