package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestImageFiles;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishing images through the REST API and the real web shell: uploads streamed to disk while they arrive,
 * files from the server's import directory, and every refusal in the one error shape with no file left behind.
 */
abstract class ImageApiContract extends DatabaseTest {
    private static final long MIB = 1L << 20;
    private static final long LIMIT = 300 * MIB;
    private static final String UPLOAD = "/api/v1/admin/images/upload";
    /** How long an outcome may take on a busy machine: well past a moment, well short of forever. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    JsonMapper json;
    private Path work;
    private Path importDir;
    private PortalClient client;
    private String admin;
    private String user;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "false");
        properties.put("portal.images.max-file-size", Long.toString(LIMIT));
        try {
            work = Files.createTempDirectory("kvmptest-image-api-");
            importDir = Files.createDirectory(work.resolve("import"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        properties.put("portal.images.import-dirs", importDir.toString());
        return properties;
    }

    @BeforeAll
    void tokens() throws IOException {
        client = new PortalClient(server.getPort());
        var adminActor = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(adminActor, new NewUser("uploader", null, "uploader-password", Role.USER));
        admin = "Bearer " + client.token("admin", "admin-password-1");
        user = "Bearer " + client.token("uploader", "uploader-password");
    }

    @AfterAll
    void removeWork() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /**
     * 256 MiB go up; halfway the client waits until the server has written a good part to disk, and the heap is
     * measured after a full collection: an upload held in memory (or copied there on the side) would show.
     */
    @Test
    void anUploadIsWrittenToDiskWhileItArrivesNotHeldInMemory() throws Exception {
        long size = 256 * MIB;
        long[] heapGrowth = new long[1];
        long before = heapAfterCollection();
        InputStream body = new WaitingBody(size, size / 2, () -> {
            if (incomingBytes() < 64 * MIB) {
                return false;
            }
            heapGrowth[0] = heapAfterCollection() - before;
            return true;
        });
        HttpResponse<String> response = put(uploadQuery("Streamed disk", "raw"), body, size, admin);

        Map<String, Object> image = body(response, 201);
        assertEquals("Streamed disk", image.get("name"));
        assertEquals(size, ((Number) image.get("virtualBytes")).longValue());
        assertEquals("DISK", image.get("kind"));
        assertTrue(heapGrowth[0] < 32 * MIB, "heap grew by " + (heapGrowth[0] >> 20) + " MiB with 128 MiB sent");
        assertEquals(List.of(), incomingUploads());
    }

    /**
     * The client goes away once the server has begun writing the upload to disk. The test closes the connection
     * itself, so the server's next read ends at once: how soon it does depends on no client library. What follows
     * may be slow on a busy machine, so each outcome is awaited until it holds, up to {@link #PATIENCE}.
     */
    @Test
    void anInterruptedUploadLeavesNoFileAndIsAudited() throws Exception {
        try (Socket socket = new Socket("localhost", server.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(uploadQuery("Cut off", "raw"), 4 * MIB, admin));
            out.write(new byte[(int) MIB]);
            out.flush();
            await("the server writes the upload to disk", () -> incomingBytes() > 0);
        }

        String[] audit = {""};
        await("the cut-off upload is audited as a failure", () -> {
            audit[0] = client.get("/api/v1/audit?action=IMAGE_PUBLISHED&target=Cut%20off", "Authorization", admin)
                    .body();
            return audit[0].contains("nothing was kept");
        });
        assertTrue(audit[0].contains("\"success\":false"), audit[0]);
        awaitNoIncomingUploads();
        assertTrue(names(admin).stream().noneMatch("Cut off"::equals));
    }

    @Test
    void refusalsComeInTheOneErrorShapeAndLeaveNothing() throws Exception {
        Path backed = TestImageFiles.qcow2(work.resolve("backed.qcow2"), MIB, "-b", "/etc/passwd", "-F", "raw");
        assertError(put(uploadQuery("Backed", "qcow2"), Files.newInputStream(backed), Files.size(backed), admin), 400,
                "refers to a backing file");
        Path text = Files.writeString(work.resolve("notes.qcow2"), "not an image\n".repeat(100));
        assertError(put(uploadQuery("Notes", "qcow2"), Files.newInputStream(text), Files.size(text), admin), 400,
                "it is not a qcow2 image");
        assertError(withheldBody(uploadQuery("Plain", "raw"), MIB, user), 403, "Only an admin");
        assertError(withheldBody(UPLOAD + "?name=%20bad&os=Linux&format=vmdk&minMemoryMib=0&minDiskGib=1", MIB, admin),
                400, "format 'vmdk' is not one of qcow2, raw, iso");
        assertError(withheldBody(UPLOAD + "?name=x&os=Linux&format=raw&minMemoryMib=lots&minDiskGib=1", MIB, admin),
                400, "lots");
        assertError(withheldBody(UPLOAD + "?os=Linux&format=raw&minMemoryMib=128&minDiskGib=1", MIB, admin), 400,
                "name");
        assertError(withheldBody(uploadQuery("Too big", "raw"), LIMIT + 1, admin), 413, "larger than the limit of 300 MiB");
        assertError(withheldBody(uploadQuery("Not after all", "raw"), MIB, null), 401, "Sign in");

        Path raw = TestImageFiles.raw(work.resolve("plain.raw"), MIB);
        assertEquals(201, put(uploadQuery("Twice", "raw"), Files.newInputStream(raw), MIB, admin).statusCode());
        assertError(put(uploadQuery("Twice", "raw"), Files.newInputStream(raw), MIB, admin), 409, "already published");
        assertEquals(List.of(), incomingUploads());
    }

    @Test
    void anAdminPublishesACopyOfAFileInTheImportDirectoryOnly() throws Exception {
        Path original = TestImageFiles.iso(importDir.resolve("installer.iso"));
        String request = "{\"path\":\"%s\",\"name\":\"%s\",\"description\":\"An installer\",\"os\":\"Linux\","
                + "\"format\":\"iso\",\"minMemoryMib\":256,\"minDiskGib\":2}";
        Map<String, Object> image = body(client.send("POST", "/api/v1/admin/images",
                request.formatted(original, "Installer"), "Authorization", admin), 201);
        assertEquals("ISO", image.get("kind"));
        assertTrue(Files.isRegularFile(original));

        assertError(client.send("POST", "/api/v1/admin/images", request.formatted("/etc/passwd", "Passwd"),
                "Authorization", admin), 403, "Images are published by path only from " + importDir);
        assertError(client.send("POST", "/api/v1/admin/images", request.formatted(original, "Mine"),
                "Authorization", user), 403, "Only an admin");
        assertError(client.send("POST", "/api/v1/admin/images", "{\"path\":\"" + original + "\",\"extra\":1}",
                "Authorization", admin), 400, "extra");

        long id = ((Number) image.get("id")).longValue();
        assertEquals(204, client.send("DELETE", "/api/v1/admin/images/" + id, null, "Authorization", admin)
                .statusCode());
        assertTrue(names(admin).contains("Installer"), "admins still see a withdrawn image");
        assertTrue(!names(user).contains("Installer"), "users see only published images");
    }

    /**
     * The first 300 bytes of a qcow2, as was once published: qemu-img info reads only the header and found nothing
     * wrong. Refused by upload and by import, with what qemu-img check found, and nothing is kept.
     */
    @Test
    void aTruncatedQcow2IsRefusedOnUploadAndOnImportWithTheChecksWords() throws Exception {
        Path whole = TestImageFiles.qcow2(work.resolve("whole.qcow2"), 64 * MIB);
        byte[] head = Arrays.copyOf(Files.readAllBytes(whole), 300);
        String words = "it is damaged (cut short, or its tables point astray); upload or copy it again whole."
                + " kvm-host found: ";

        HttpResponse<String> uploaded = put(uploadQuery("Cut upload", "qcow2"), new ByteArrayInputStream(head),
                head.length, admin);
        assertError(uploaded, 400, words);
        assertError(uploaded, 400, "qemu-img check found 3 corruptions, the first: ERROR: counting reference for"
                + " region exceeding the end of the file");

        Path cut = Files.write(importDir.resolve("cut.qcow2"), head);
        String request = "{\"path\":\"" + cut + "\",\"name\":\"Cut import\",\"os\":\"Linux\",\"format\":\"qcow2\","
                + "\"minMemoryMib\":128,\"minDiskGib\":1}";
        HttpResponse<String> imported = client.send("POST", "/api/v1/admin/images", request, "Authorization", admin);
        assertError(imported, 400, words);
        assertError(imported, 400, "qemu-img check found 3 corruptions");

        assertTrue(names(admin).stream().noneMatch(name -> name.startsWith("Cut ")), names(admin).toString());
        assertEquals(List.of(), incomingUploads());
    }

    @Test
    void theOpenApiDocumentDescribesPublishing() {
        String document = client.get("/api/v1/openapi.yml").body();
        assertTrue(document.contains("/api/v1/admin/images/upload:") && document.contains("/api/v1/admin/images:"),
                document);
    }

    private String uploadQuery(String name, String format) {
        return UPLOAD + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
                + "&os=Linux&format=" + format + "&minMemoryMib=128&minDiskGib=1&description=test";
    }

    private HttpResponse<String> put(String path, InputStream body, long length, String auth) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.origin() + path))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                        length));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * A PUT that announces {@code length} bytes and sends none: the answer can only come from checks made before
     * the body is read. Answers the status and the JSON body.
     */
    private Map<String, Object> withheldBody(String path, long length, String auth) throws IOException {
        try (Socket socket = new Socket("localhost", server.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(requestHead(path, length, auth));
            socket.getOutputStream().flush();
            String response = readResponse(socket.getInputStream());
            Map<String, Object> answer = new HashMap<>(json.readValue(
                    response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1),
                    Argument.mapOf(String.class, Object.class)));
            answer.put("httpStatus", Integer.parseInt(response.substring(9, 12)));
            return answer;
        }
    }

    /** The head of an upload that announces {@code length} bytes, for writing to a socket by hand. */
    private byte[] requestHead(String path, long length, String auth) {
        return ("PUT " + path + " HTTP/1.1\r\nHost: localhost:" + server.getPort() + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n"
                + (auth == null ? "" : "Authorization: " + auth + "\r\n") + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Up to the end of the first JSON object: the server may keep waiting for the body it was promised. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (int c = in.read(); c >= 0; c = in.read()) {
            text.append((char) c);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                break;
            }
        }
        return text.toString();
    }

    private static long heapAfterCollection() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private long incomingBytes() throws IOException {
        long bytes = 0;
        for (Path file : incomingUploads()) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    private List<Path> incomingUploads() {
        return agent().staged();
    }

    private void awaitNoIncomingUploads() throws Exception {
        await("no upload is left in the incoming area", () -> incomingUploads().isEmpty());
    }

    /** Waits until {@code condition} holds; fails naming it after {@link #PATIENCE}. */
    private static void await(String condition, Condition holds) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!holds.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + condition);
            }
            Thread.sleep(100);
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private List<String> names(String auth) throws IOException {
        List<Map<String, Object>> images = json.readValue(client.get("/api/v1/images", "Authorization", auth).body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        return images.stream().map(image -> (String) image.get("name")).toList();
    }

    private Map<String, Object> body(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private void assertError(Map<String, Object> error, int status, String words) {
        assertEquals(status, ((Number) error.get("httpStatus")).intValue(), error.toString());
        assertEquals(status, ((Number) error.get("status")).intValue());
        assertTrue(((String) error.get("message")).contains(words), "'" + words + "' in " + error);
    }

    private void assertError(HttpResponse<String> response, int status, String words) throws IOException {
        Map<String, Object> error = body(response, status);
        assertEquals(status, ((Number) error.get("status")).intValue());
        assertTrue(((String) error.get("message")).contains(words), "'" + words + "' in " + error);
    }

    /** A condition the body waits for halfway; it may throw to cut the upload off. */
    @FunctionalInterface
    private interface Halfway {
        boolean reached() throws IOException;
    }

    /**
     * {@code size} zero bytes; after the first {@code pause} of them it sends no more until {@code halfway} holds
     * (20 s at most). An upload held in memory until it is complete would never reach the disk meanwhile.
     */
    private static final class WaitingBody extends InputStream {
        private final long size;
        private final long pause;
        private final Halfway halfway;
        private long sent;
        private boolean waited;

        WaitingBody(long size, long pause, Halfway halfway) {
            this.size = size;
            this.pause = pause;
            this.halfway = halfway;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (sent == pause && !waited) {
                awaitHalfway();
                waited = true;
            }
            if (sent >= size) {
                return -1;
            }
            int n = (int) Math.min(length, (sent < pause ? pause : size) - sent);
            Arrays.fill(buffer, offset, offset + n, (byte) 0);
            sent += n;
            return n;
        }

        private void awaitHalfway() throws IOException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!halfway.reached()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the server wrote nothing of the upload to disk while it arrived");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }
}
