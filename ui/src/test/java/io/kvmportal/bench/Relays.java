package io.kvmportal.bench;

import io.kvmportal.web.PortalClient;
import io.kvmportal.web.console.RawWebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The two relays under test, each a process of its own: Debian's websockify, and the portal. */
final class Relays {

    private Relays() {
    }

    /** websockify from its port to the source; it forks a process per connection. */
    static final class Websockify implements AutoCloseable {
        private final Process process;
        private final int port;

        Websockify(int sourcePort) throws Exception {
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            process = new ProcessBuilder("websockify", "127.0.0.1:" + port, "127.0.0.1:" + sourcePort)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IllegalStateException("websockify did not listen on " + port, notYet);
                    }
                    Thread.sleep(100);
                }
            }
        }

        Route route() {
            return new Route.WebSocket("websockify", port, () -> "/", process.pid());
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@link BenchPortal} in a child JVM with this class path; its lines starting "BENCH " are its answers. */
    static final class Portal implements AutoCloseable {
        private static final Pattern READY = Pattern.compile("BENCH ready (\\d+) (\\d+) (\\d+) (\\d+)");
        private final Process process;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final PrintStream commands;
        private final int port;
        private final long guest;
        private final int plainPort;
        private final int splicePort;
        private final PortalClient client;
        private final String bearer;

        private final String name;

        /** {@code zeroCopy} off: the portal's consoles take their copying path only. */
        Portal(int sourcePort, boolean zeroCopy) throws Exception {
            name = zeroCopy ? "portal" : "portal copy";
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // SpliceRelay reads the sockets' descriptors from the JDK's internals.
            process = new ProcessBuilder(java, "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    BenchPortal.class.getName(), Integer.toString(sourcePort), zeroCopy ? "zero-copy" : "copy")
                    .redirectErrorStream(true).start();
            commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(this::readAnswers, "bench-portal-output");
            reader.setDaemon(true);
            reader.start();
            String said = answer(120);
            Matcher ready = READY.matcher(said);
            if (!ready.matches()) {
                throw new IllegalStateException("the bench portal said: " + said);
            }
            port = Integer.parseInt(ready.group(1));
            guest = Long.parseLong(ready.group(2));
            plainPort = Integer.parseInt(ready.group(3));
            splicePort = Integer.parseInt(ready.group(4));
            client = new PortalClient(port);
            bearer = "Bearer " + client.token(BenchPortal.LOGIN, BenchPortal.PASSWORD);
        }

        Route route() {
            return new Route.WebSocket(name, port, this::ticketPath, process.pid(), "Authorization", bearer);
        }

        /** TCP through {@link PlainRelay} in the portal's JVM: the cost of relaying without WebSocket. */
        Route plainRoute() {
            return new Route.Direct("plain relay", plainPort, OptionalLong.of(process.pid()));
        }

        /** TCP through {@link SpliceRelay} in the portal's JVM: the ceiling of any relay here. */
        Route spliceRoute() {
            return new Route.Direct("splice relay", splicePort, OptionalLong.of(process.pid()));
        }

        private String ticketPath() {
            String ticket = client.send("POST", "/api/v1/guests/" + guest + "/console", null,
                    "Authorization", bearer).body();
            return ticket.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
        }

        /** Heap, direct buffers, threads and RSS per console, with {@code count} idle consoles open. */
        String memoryPerConsole(int count) throws Exception {
            long[] before = memory();
            List<RawWebSocket> open = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    open.add(RawWebSocket.open(port, ticketPath(), 0, "Authorization", bearer));
                }
                Thread.sleep(1000);
                long[] after = memory();
                return String.format(Locale.ROOT, "heap %.1f KiB, direct buffers %.1f KiB, threads %.2f, RSS %.1f KiB",
                        (after[0] - before[0]) / 1024.0 / count, (after[1] - before[1]) / 1024.0 / count,
                        (after[2] - before[2]) / (double) count, (after[3] - before[3]) / 1024.0 / count);
            } finally {
                for (RawWebSocket socket : open) {
                    socket.close();
                }
            }
        }

        private long[] memory() throws Exception {
            commands.println("memory");
            String[] figures = answer(60).split(" ");
            return new long[] {Long.parseLong(figures[2]), Long.parseLong(figures[3]), Long.parseLong(figures[4]),
                    Long.parseLong(figures[5])};
        }

        private String answer(int seconds) throws InterruptedException {
            String line = answers.poll(seconds, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("the bench portal did not answer within " + seconds + " s");
            }
            return line;
        }

        private void readAnswers() {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("BENCH ")) {
                        answers.add(line);
                    }
                }
            } catch (IOException ended) {
                // the portal stopped
            }
        }

        @Override
        public void close() throws Exception {
            commands.println("quit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
