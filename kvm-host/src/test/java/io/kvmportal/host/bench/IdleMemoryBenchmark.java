package io.kvmportal.host.bench;

import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.grpc.GrpcHostAgent;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.TestNames;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: idle memory of the host agent and of the portal, apart, each a {@code java -jar} process of
 * its own as run.sh starts them, under each JVM flag set in one run. The agent: RSS once it answers on its socket,
 * after {@code idle} seconds with a client watching its events (as the portal does), then after work that shows the
 * flags do no harm (the demo image published, a guest's disk made, the guest started, paused, resumed, forced off
 * and deleted), with the peak (VmHWM). The portal: started as {@code kvm-portal} against an agent of default flags,
 * RSS once it answers HTTP and after {@code idle} seconds. Run as root from the repository root, after
 * {@code mvn -pl ui,kvm-host -am package -DskipTests} and the classpath of {@link AgentStartLatencyBenchmark}:
 * <pre>
 * java --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp ... io.kvmportal.host.bench.IdleMemoryBenchmark \
 *     kvm-host/target/kvm-host-agent.jar ui/target/kvm-portal.jar [idle seconds, 30]
 * </pre>
 */
public final class IdleMemoryBenchmark {
    /** The flag sets compared; the first is the JVM's defaults. */
    static final List<String> AGENT_FLAGS = List.of("",
            "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xmx64m",
            // The initial heap is a 64th of the machine's memory, so -Xmx64m alone commits all 64 MiB at once; the
            // agent's live data after a GC is about 4 MiB.
            "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m",
            "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m -XX:ReservedCodeCacheSize=16m"
                    + " -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1");
    static final List<String> PORTAL_FLAGS = List.of("",
            "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xms32m -Xmx256m");
    private static final Duration READY = Duration.ofSeconds(120);

    private IdleMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path agentJar = Path.of(args[0]).toAbsolutePath();
        Optional<Path> portalJar = args.length > 1 ? Optional.of(Path.of(args[1]).toAbsolutePath()) : Optional.empty();
        int idle = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        System.out.printf(Locale.ROOT, "%n== idle memory (RSS, MiB), idle %d s, %d cores, load average %s ==%n", idle,
                Runtime.getRuntime().availableProcessors(), load());
        for (String flags : AGENT_FLAGS) {
            measureAgent(agentJar, flags, idle);
        }
        if (portalJar.isPresent()) {
            for (String flags : PORTAL_FLAGS) {
                measurePortal(agentJar, portalJar.get(), flags, idle);
            }
        }
    }

    private static void measureAgent(Path jar, String flags, int idle) throws Exception {
        try (AgentProcess agent = new AgentProcess(jar, flags, "root");
             GrpcHostAgent client = GrpcHostAgent.overUnixSocket(agent.socket(), READY)) {
            client.identify();
            double ready = rssMib(agent.pid());
            try (AutoCloseable watch = client.watch(event -> { })) {
                TimeUnit.SECONDS.sleep(idle);
                double idled = rssMib(agent.pid());
                work(client, agent.login);
                System.out.printf(Locale.ROOT, "agent  [%s]: ready %.1f, idle %.1f, after a guest %.1f, peak %.1f"
                        + " (load %s)%n", describe(flags), ready, idled, rssMib(agent.pid()),
                        status(agent.pid(), "VmHWM:") / 1024.0, load());
            }
        }
    }

    /** What the agent does for a portal, once: the flags must not break it. */
    private static void work(GrpcHostAgent client, String login) {
        String image = client.publishDemoImage().imageId();
        UUID uuid = UUID.randomUUID();
        client.createDisk(uuid, login, Optional.of(image), 64L << 20);
        client.start(new GuestDefinition(uuid, "bench-memory", login, 1, 128, BootKind.KERNEL, image, Nic.USER));
        client.pause(uuid);
        client.resume(uuid);
        client.forceOff(uuid);
        client.deleteGuest(uuid, login);
    }

    private static void measurePortal(Path agentJar, Path jar, String flags, int idle) throws Exception {
        try (AgentProcess agent = new AgentProcess(agentJar, "", "kvm-portal")) {
            Path portalDir = agent.dir.resolve("portal-data");
            Files.createDirectories(portalDir);
            setOwner(portalDir, "kvm-portal", "rwx------");
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            List<String> argv = new ArrayList<>(List.of("env", "--chdir=" + portalDir, "PORTAL_DATA_DIR=" + portalDir,
                    "HOME=" + portalDir, "PORTAL_HOST_AGENT_SOCKET=" + agent.socket(),
                    "PORTAL_CONSOLE_SCREEN_SOCKET=" + agent.screenSocket(), "MICRONAUT_SERVER_PORT=" + port,
                    "PORTAL_ADMIN_PASSWORD=bench-admin-password", "setpriv", "--reuid=kvm-portal",
                    "--regid=kvm-portal", "--init-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                    "--", ProcessHandle.current().info().command().orElse("java")));
            argv.addAll(split(flags));
            argv.addAll(List.of("-jar", jar.toString()));
            Process portal = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(agent.dir.resolve("portal.log").toFile()).start();
            try {
                long began = System.nanoTime();
                awaitHttp(port, portal);
                double startup = (System.nanoTime() - began) / 1e9;
                double ready = rssMib(portal.pid());
                TimeUnit.SECONDS.sleep(idle);
                System.out.printf(Locale.ROOT, "portal [%s]: answered HTTP after %.1f s, ready %.1f, idle %.1f, peak"
                        + " %.1f; its agent (defaults) idle %.1f (load %s)%n", describe(flags), startup, ready,
                        rssMib(portal.pid()), status(portal.pid(), "VmHWM:") / 1024.0, rssMib(agent.pid()), load());
            } finally {
                portal.destroy();
                if (!portal.waitFor(30, TimeUnit.SECONDS)) {
                    portal.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void awaitHttp(int port, Process portal) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!portal.isAlive()) {
                throw new IllegalStateException("the portal ended with status " + portal.exitValue());
            }
            try {
                HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/api/v1/health")
                        .toURL().openConnection();
                http.setConnectTimeout(1000);
                http.setReadTimeout(5000);
                http.getResponseCode();
                http.disconnect();
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException("the portal did not answer HTTP within " + READY);
    }

    static List<String> split(String flags) {
        return flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
    }

    private static String describe(String flags) {
        return flags.isBlank() ? "JVM defaults" : flags;
    }

    static double rssMib(long pid) throws IOException {
        return status(pid, "VmRSS:") / 1024.0;
    }

    /** A field of /proc/PID/status in KiB. */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static void setOwner(Path path, String account, String mode) throws IOException {
        int uid = Integer.parseInt(io.kvmportal.host.exec.Command.runChecked(List.of("id", "-u", "--", account),
                Duration.ofSeconds(10)).strip());
        int gid = Integer.parseInt(io.kvmportal.host.exec.Command.runChecked(List.of("id", "-g", "--", account),
                Duration.ofSeconds(10)).strip());
        Files.setAttribute(path, "unix:gid", gid);
        Files.setAttribute(path, "unix:uid", uid);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    /**
     * {@code java FLAGS -jar kvm-host-agent.jar} as root over a scratch data directory, socket and cgroup parent,
     * serving {@code portalUser}; {@link #close} stops it (SIGTERM) and removes what its guests left.
     */
    private static final class AgentProcess implements AutoCloseable {
        final Path dir = TestNames.tempDirectory();
        final String cgroupParent = TestNames.random();
        final String login = TestNames.random();
        private final Process process;

        AgentProcess(Path jar, String flags, String portalUser) throws Exception {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            argv.addAll(split(flags));
            argv.addAll(List.of("-jar", jar.toString(), "--data-dir", dir.resolve("host").toString(), "--socket",
                    socket().toString(), "--portal-user", portalUser, "--screen-socket", screenSocket().toString(),
                    "--accelerator", "tcg", "--cgroup-parent", cgroupParent));
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile()).start();
            long deadline = System.nanoTime() + READY.toNanos();
            while (!Files.exists(socket())) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("the agent did not listen; see its log");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }

        Path socket() {
            return dir.resolve("run").resolve("agent.sock");
        }

        Path screenSocket() {
            return dir.resolve("run").resolve("portal").resolve("screens.sock");
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            HostLeftovers.removeAccountOf(login);
            new GuestCgroups(cgroupParent).removeParentIfEmpty();
            TestNames.deleteTree(dir);
        }
    }
}
