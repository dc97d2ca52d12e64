package io.kvmportal.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged portal as a user runs it: {@code java -jar kvm-portal.jar} in a child process, with a fresh data
 * directory (so a fresh H2 database), a free port and a known admin password. Its output goes to a log file
 * that a failing test can point at.
 */
public final class PortalProcess implements AutoCloseable {
    static final String ADMIN_PASSWORD = "e2e-admin-password";
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;

    private PortalProcess(Process process, Path dataDir, Path log, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    public static PortalProcess start() throws IOException {
        Path jar = Path.of(System.getProperty("portal.jar", "../ui/target/kvm-portal.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No portal jar at " + jar + ": build the ui module first");
        }
        Path dataDir = Files.createTempDirectory("kvmptest-e2e-");
        Path log = Files.createDirectories(Path.of("target", "portal-logs")).resolve(dataDir.getFileName() + ".log");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(List.of(javaBinary(), "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORTAL_DATA_DIR", dataDir.toString());
        builder.environment().put("PORTAL_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        PortalProcess portal = new PortalProcess(builder.start(), dataDir, log, port);
        portal.awaitHealthy(Duration.ofSeconds(90));
        return portal;
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** The portal's data directory, to look at the files it keeps. */
    Path dataDir() {
        return dataDir;
    }

    Path log() {
        return log;
    }

    /** The portal's process id, for reading its figures from /proc. */
    public long pid() {
        return process.pid();
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

    /** Removes the Linux account the portal made for a user's guests, and its /dev/kvm entry; tests leave none. */
    static void removeLinuxAccount(String login) throws IOException, InterruptedException {
        for (List<String> argv : List.of(List.of("setfacl", "-x", "u:kvmp-" + login, "/dev/kvm"),
                List.of("userdel", "kvmp-" + login))) {
            new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(30, TimeUnit.SECONDS);
        }
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
        close();
        throw new IllegalStateException("The portal did not become healthy within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
