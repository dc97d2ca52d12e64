package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.web.RawHttp.Answer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request bodies under hostile load, through the real web shell: every body is bounded (64 KiB by default) before
 * anyone reads it whole, an admin's image upload has its own limit, and a request without the right credentials is
 * refused with its body unread. The portal runs in this JVM, so its memory is this JVM's.
 */
@MicronautTest(transactional = false)
class BodyLimitH2Test extends DatabaseTest {
    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    private static final long LIMIT = 64 * KIB;
    private static final long FILE_LIMIT = 2 * MIB;
    private static final String TOKEN = "/api/v1/auth/token";
    private static final String JSON = "Content-Type: application/json";
    private static final String CLOSE = "Connection: close";
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    private RawHttp raw;
    private String admin;
    private String user;

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "false");
        properties.put("portal.images.max-file-size", Long.toString(FILE_LIMIT));
        return properties;
    }

    @BeforeAll
    void tokens() {
        raw = new RawHttp(server.getPort());
        PortalClient client = new PortalClient(server.getPort());
        var adminActor = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(adminActor, new NewUser("bodyuser", null, "bodyuser-password", Role.USER));
        admin = "Authorization: Bearer " + client.token("admin", "admin-password-1");
        user = "Authorization: Bearer " + client.token("bodyuser", "bodyuser-password");
    }

    /**
     * 24 clients send 50 MB each of JSON (one long string) to the token endpoint at once: each is told 413 and its
     * connection is closed, and after a collection heap and RSS are within 10% of what they were before (a warm-up
     * flood of 2 MB bodies comes first, so the figures compare the same pools and threads). Before the limit this
     * flood took RSS from 299 to a peak of 1854 MiB, and 1503 MiB stayed.
     */
    @Test
    void aFloodOfLargeBodiesIsRefusedAndLeavesNoMemoryBehind() throws Exception {
        flood(24, 2 * MIB);
        long heapBefore = heapAfterCollection();
        long rssBefore = rss();
        AtomicLong rssPeak = new AtomicLong(rssBefore);
        AtomicLong heapPeak = new AtomicLong(heapUsed());
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sample(flooding, rssPeak, heapPeak), "memory-sampler");
        sampler.start();
        List<Answer> answers;
        try {
            answers = flood(24, 50_000_000);
        } finally {
            flooding.set(false);
            sampler.join();
        }
        long heapAfter = heapAfterCollection();
        long rssAfter = rss();
        System.out.printf("Body flood, 24 x 50 MB: heap %d -> peak %d -> %d MiB; RSS %d -> peak %d -> %d MiB%n",
                heapBefore / MIB, heapPeak.get() / MIB, heapAfter / MIB, rssBefore / MIB, rssPeak.get() / MIB,
                rssAfter / MIB);
        for (Answer answer : answers) {
            assertEquals(413, answer.status(), answer.toString());
            assertTrue(answer.body().contains("larger than the limit of 64 KiB"), answer.body());
            assertTrue(answer.closed(), "the connection stays open: " + answer);
        }
        assertTrue(heapAfter <= heapBefore * 1.1, "heap " + heapBefore / MIB + " -> " + heapAfter / MIB + " MiB");
        assertTrue(rssAfter <= rssBefore * 1.1, "RSS " + rssBefore / MIB + " -> " + rssAfter / MIB + " MiB");
    }

    /** Without a length the body is counted as it comes: one byte over is refused, one just under works. */
    @Test
    void aChunkedBodyIsCountedWhileItArrives() throws IOException {
        Answer over = raw.exchange("POST", TOKEN, RawHttp.chunked(paddedCredentials(LIMIT + 1)), JSON,
                "Transfer-Encoding: chunked", CLOSE);
        assertEquals(413, over.status(), over.toString());
        assertTrue(over.body().contains("\"status\":413") && over.body().contains("64 KiB"), over.body());
        Answer under = raw.exchange("POST", TOKEN, RawHttp.chunked(paddedCredentials(LIMIT - 1)), JSON,
                "Transfer-Encoding: chunked", CLOSE);
        assertEquals(201, under.status(), under.toString());
        assertTrue(under.body().contains("\"token\":\"kvmp_"), under.body());
        byte[] exact = paddedCredentials(LIMIT);
        Answer fixed = raw.exchange("POST", TOKEN, (out, sent) -> out.write(exact), JSON,
                "Content-Length: " + exact.length, CLOSE);
        assertEquals(201, fixed.status(), fixed.toString());
        Answer endless = raw.exchange("POST", TOKEN, RawHttp.chunkedZeros(50_000_000), JSON,
                "Transfer-Encoding: chunked");
        assertEquals(413, endless.status(), endless.toString());
        assertTrue(endless.closed() && endless.bodyBytesSent() < 50_000_000, endless.toString());
    }

    /**
     * A call that needs credentials and has none is answered 401 at once: the 50 MB it promises never come, and
     * no answer could be given if the body were waited for. A signed-in caller's oversized body is 413, also unread.
     */
    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() throws IOException {
        Answer anonymous = raw.exchange("POST", "/api/v1/guests", RawHttp.withheld(), JSON,
                "Content-Length: 50000000");
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertTrue(anonymous.closed(), anonymous.toString());
        Answer chunked = raw.exchange("POST", "/api/v1/guests", RawHttp.withheld(), JSON, "Transfer-Encoding: chunked");
        assertEquals(401, chunked.status(), chunked.toString());
        Answer signedIn = raw.exchange("POST", "/api/v1/guests", RawHttp.withheld(), JSON, user,
                "Content-Length: 50000000");
        assertEquals(413, signedIn.status(), signedIn.toString());
        assertTrue(signedIn.closed() && signedIn.body().contains("64 KiB"), signedIn.toString());
    }

    /** The upload route's own limit is an admin's: anyone else is refused before the body, whatever its size. */
    @Test
    void aNonAdminUploadIsForbiddenUnread() throws IOException {
        Answer declared = raw.exchange("PUT", upload("Not mine"), RawHttp.withheld(), user,
                "Content-Type: application/octet-stream", "Content-Length: 50000000");
        assertEquals(403, declared.status(), declared.toString());
        assertTrue(declared.body().contains("Only an admin") && declared.closed(), declared.toString());
        Answer chunked = raw.exchange("PUT", upload("Not mine"), RawHttp.withheld(), user,
                "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
        assertEquals(403, chunked.status(), chunked.toString());
    }

    /** An admin uploads past the JSON limit, up to the image limit; beyond it 413 says which limit. */
    @Test
    void anAdminUploadHasItsOwnLimit() throws IOException {
        Answer accepted = raw.exchange("PUT", upload("Over the JSON limit"), RawHttp.zeros(MIB), admin,
                "Content-Type: application/octet-stream", "Content-Length: " + MIB, CLOSE);
        assertEquals(201, accepted.status(), accepted.toString());
        Answer declared = raw.exchange("PUT", upload("Declared too big"), RawHttp.withheld(), admin,
                "Content-Type: application/octet-stream", "Content-Length: 50000000");
        assertEquals(413, declared.status(), declared.toString());
        assertTrue(declared.body().contains("larger than the limit of 2 MiB"), declared.body());
        Answer streamed = raw.exchange("PUT", upload("Streamed too big"), RawHttp.chunkedZeros(50_000_000), admin,
                "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
        assertEquals(413, streamed.status(), streamed.toString());
        assertTrue(streamed.body().contains("larger than the limit of 2 MiB"), streamed.body());
    }

    /**
     * The sign-in form and Vaadin's own requests have the same limit; Vaadin's upload path has the image limit only
     * for an admin's session, so no one else can send a large body through it.
     */
    @Test
    void theSignInFormAndVaadinHaveTheLimitToo() throws IOException {
        String origin = "Origin: http://127.0.0.1:" + server.getPort();
        Answer form = raw.exchange("POST", "/login", RawHttp.zeros(LIMIT + 1), origin,
                "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + (LIMIT + 1));
        assertEquals(413, form.status(), form.toString());
        Answer uidl = raw.exchange("POST", "/?v-r=uidl&v-uiId=0", RawHttp.chunkedZeros(50_000_000), JSON,
                "Transfer-Encoding: chunked");
        assertEquals(413, uidl.status(), uidl.toString());
        Answer vaadinUpload = raw.exchange("POST", "/VAADIN/dynamic/resource/0/00000000-0000/disk.qcow2",
                RawHttp.withheld(), user, "Content-Type: multipart/form-data; boundary=x", "Content-Length: 50000000");
        assertEquals(413, vaadinUpload.status(), vaadinUpload.toString());
        String session = new PortalClient(server.getPort()).signIn("bodyuser", "bodyuser-password").orElseThrow();
        Answer userSession = raw.exchange("POST", "/VAADIN/dynamic/resource/0/00000000-0000/disk.qcow2",
                RawHttp.withheld(), "Cookie: " + session, "Content-Type: multipart/form-data; boundary=x",
                "Content-Length: " + MIB);
        assertEquals(413, userSession.status(), userSession.toString());
    }

    /** Jetty's own bounds on what precedes a body: request line and headers 8 KiB. */
    @Test
    void longUrisAndHeadersAreRefusedByJetty() throws IOException {
        assertEquals(414, raw.exchange("GET", "/api/v1/health?x=" + "a".repeat(9000), RawHttp.withheld()).status());
        assertEquals(431, raw.exchange("GET", "/api/v1/health", RawHttp.withheld(), "X-Big: " + "a".repeat(9000))
                .status());
    }

    private List<Answer> flood(int clients, long bytes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Answer>> sent = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                sent.add(pool.submit(() -> raw.exchange("POST", TOKEN, RawHttp.jsonString(bytes), JSON,
                        "Content-Length: " + bytes)));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : sent) {
                answers.add(answer.get(5, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sample(AtomicBoolean flooding, AtomicLong rssPeak, AtomicLong heapPeak) {
        while (flooding.get()) {
            try {
                rssPeak.accumulateAndGet(rss(), Math::max);
                heapPeak.accumulateAndGet(heapUsed(), Math::max);
                Thread.sleep(20);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    /** Valid credentials, padded with spaces (which JSON allows) to exactly {@code size} bytes. */
    private static byte[] paddedCredentials(long size) {
        String json = "{\"login\":\"admin\",\"password\":\"admin-password-1\"}";
        return (" ".repeat((int) size - json.length()) + json).getBytes(StandardCharsets.US_ASCII);
    }

    private static String upload(String name) {
        return "/api/v1/admin/images/upload?name=" + name.replace(" ", "%20")
                + "&os=Linux&format=raw&minMemoryMib=128&minDiskGib=1";
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long heapAfterCollection() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
        return heapUsed();
    }

    /** This process's resident set, from /proc/self/status (VmRSS, in kB). */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * KIB;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
