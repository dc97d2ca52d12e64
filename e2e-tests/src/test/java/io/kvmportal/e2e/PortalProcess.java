package io.kvmportal.e2e;

import io.kvmportal.host.cgroup.GuestCgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged portal as a user runs it: {@code run.sh} in a child process, which starts the host agent
 * ({@code kvm-host-agent.jar}) as root and the portal ({@code kvm-portal.jar}) as the account kvm-portal without
 * capabilities, with a fresh data directory (so a fresh H2 database), its own directory for the agent's socket, a
 * free port and a known admin password. The portal's output goes to a log file that a failing test can point at;
 * the agent's is copied beside it at close.
 *
 * <p>Closing it leaves nothing on the host, whether the journey passed or failed: its test users go first, through
 * the portal, then the portal stops, then whatever of them is still on the host goes (see {@link TestUsers}), then
 * its data directory. Something left behind fails the close. A JVM that ends without closing it closes it on the
 * way out.
 */
public final class PortalProcess implements AutoCloseable {
    /** Where the journeys' portals put their guests' cgroups: named so that a leftover is plainly a test's. */
    private static final String CGROUP_PARENT = "kvmptest-e2e";
    static final String ADMIN_PASSWORD = "e2e-admin-password";
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private final Process process;
    private final Path root;
    private final Path log;
    private final int port;
    private final TestUsers users = new TestUsers();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread closeOnExit = new Thread(this::close, "close-portal-on-exit");
    /** An agent a test started again after {@link #stopAgent}: run.sh does not know it, so close stops it. */
    private volatile Process restartedAgent;

    private PortalProcess(Process process, Path root, Path log, int port) {
        this.process = process;
        this.root = root;
        this.log = log;
        this.port = port;
        Runtime.getRuntime().addShutdownHook(closeOnExit);
    }

    public static PortalProcess start() throws IOException {
        Path script = Path.of(System.getProperty("run.script", "../run.sh")).toAbsolutePath().normalize();
        // run.sh starts the jars of its own tree, as they are (--no-build).
        built(script.resolveSibling("ui/target/kvm-portal.jar"), "build the ui module first");
        built(script.resolveSibling("kvm-host/target/kvm-host-agent.jar"), "build the kvm-host module first");
        // The account kvm-portal must pass through it to the portal's data and its screen socket's directory.
        Path root = Files.createTempDirectory("kvmptest-e2e-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Path log = Files.createDirectories(Path.of("target", "portal-logs")).resolve(root.getFileName() + ".log");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString(), "--no-build"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORTAL_DATA_DIR", root.resolve("data").toString());
        builder.environment().put("KVMP_RUN_DIR", root.resolve("run").toString());
        builder.environment().put("PORTAL_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        // Guests' cgroups under a test's name, so that a leftover is plainly a test's.
        builder.environment().put("PORTAL_HOST_CGROUP_PARENT", CGROUP_PARENT);
        PortalProcess portal = new PortalProcess(builder.start(), root, log, port);
        try {
            portal.awaitHealthy(Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            try {
                portal.close();
            } catch (RuntimeException alsoLeft) {
                e.addSuppressed(alsoLeft);
            }
            throw e;
        }
        return portal;
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    Path log() {
        return log;
    }

    /** The portal's data directory (kvm-portal's: its database, the import directory). */
    Path portalDataDir() {
        return root.resolve("data").resolve("portal");
    }

    /** The host agent's data directory (root's: guests, images, the installation id). */
    Path hostDataDir() {
        return root.resolve("data").resolve("host");
    }

    /** Where run.sh made the agent's socket (and the portal's screen socket below it). */
    Path agentSocket() {
        return root.resolve("run").resolve("agent.sock");
    }

    /** The id of the process that serves the portal's port, for reading its figures from /proc. */
    public long portalPid() {
        return Listeners.onTcpPort(port);
    }

    /** The id of the process that serves the agent's socket. */
    public long agentPid() {
        return Listeners.onUnixSocket(agentSocket());
    }

    /**
     * Stops the host agent as an administrator would (SIGTERM) and waits until it has ended; answers how it was
     * started (its command line and working directory), for {@link #startAgent}. The portal keeps running.
     */
    ProcessBuilder stopAgent() throws IOException {
        long pid = agentPid();
        Path proc = Path.of("/proc", Long.toString(pid));
        ProcessBuilder command = new ProcessBuilder(List.of(Files.readString(proc.resolve("cmdline")).split("\0")))
                .directory(Files.readSymbolicLink(proc.resolve("cwd")).toFile());
        ProcessHandle agent = ProcessHandle.of(pid).orElseThrow();
        agent.destroy();
        try {
            agent.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the host agent " + pid + " did not stop within 30 s", e);
        }
        return command;
    }

    /** Starts the agent again as it was started (as root, its output appended to its log). */
    void startAgent(ProcessBuilder command) throws IOException {
        Path agentLog = root.resolve("data").resolve("agent.log");
        restartedAgent = command.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog.toFile())).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.exists(agentSocket())) {
            if (!restartedAgent.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the restarted host agent did not listen; see " + agentLog);
            }
            sleep(100);
        }
    }

    /**
     * Creates a user through the REST API as admin. The login must be a test login ({@code kvmptest-*}): the user
     * and everything the portal makes for them on the host are removed at close.
     */
    void createUser(String adminToken, String login, String password) throws IOException, InterruptedException {
        users.made(login);
        api("POST", "/api/v1/admin/users", adminToken, "{\"login\":\"" + login + "\",\"password\":\"" + password
                + "\"}", 201);
    }

    /** A bearer token for calls through the REST API, to set the stage quickly. */
    String token(String login, String password) throws IOException, InterruptedException {
        String body = api("POST", "/api/v1/auth/token", null, "{\"login\":\"" + login + "\",\"password\":\""
                + password + "\"}", 201);
        return body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    /** Calls the REST API and checks the status; answers the body. */
    String api(String method, String path, String token, String json, int status)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        request.header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    /**
     * Waits until some image is published (the demo image is built in the background at first start) and answers
     * the id of the first.
     */
    long awaitImages(String token, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Matcher image = ID.matcher(api("GET", "/api/v1/images", token, null, 200));
            if (image.find()) {
                return Long.parseLong(image.group(1));
            }
            sleep(500);
        }
        throw new IllegalStateException("no image published within " + timeout + "; see " + log);
    }

    /** The id of what a create call answered (a guest view has its guest's id first). */
    static long id(String body) {
        Matcher id = ID.matcher(body);
        if (!id.find()) {
            throw new IllegalStateException("no id in " + body);
        }
        return Long.parseLong(id.group(1));
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The portal exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/health")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("The portal did not become healthy within " + timeout + "; see " + log);
    }

    /** Removes the test users through the portal, stops it, removes what is left of them and the data directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            if (process.isAlive()) {
                problems.addAll(users.deleteThroughPortal(this));
            }
        } finally {
            stop();
            problems.addAll(users.removeLeftovers());
            if (!new GuestCgroups(CGROUP_PARENT).removeParentIfEmpty()) {
                problems.add("guests' cgroups are left under " + CGROUP_PARENT);
            }
            keepAgentLog();
            try {
                deleteRecursively(root);
            } catch (UncheckedIOException e) {
                problems.add("could not delete the data directory " + root + ": " + e.getMessage());
            }
            forgetCloseOnExit();
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The journey's users were not removed cleanly (portal log: " + log
                    + "):\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * SIGTERM to run.sh, which stops the portal and then the agent (each within 30 s). Should it hang, it and what
     * it started are killed.
     */
    private void stop() {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(70, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                started.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopRestartedAgent();
        }
    }

    private void stopRestartedAgent() {
        Process agent = restartedAgent;
        if (agent == null) {
            return;
        }
        agent.destroy();
        try {
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void keepAgentLog() {
        Path agentLog = root.resolve("data").resolve("agent.log");
        try {
            if (Files.isRegularFile(agentLog)) {
                Files.copy(agentLog, log.resolveSibling(root.getFileName() + "-agent.log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void built(Path file, String hint) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No " + file + ": " + hint);
        }
    }

    private void forgetCloseOnExit() {
        if (Thread.currentThread() != closeOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting; the hook finds the portal closed.
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
