package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.agentlink.AgentLink;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restarts with running guests, on real QEMU and the real agent over its socket: the agent stopped and started anew
 * on the same data directory and socket, and the portal's application context closed and started anew on the same
 * database and agent. While the agent is away the API answers 503 with words and nothing is marked stopped; after
 * either restart a running guest keeps its pid, its screen answers, and a kill -9 of its QEMU is seen.
 */
class AgentRestartH2Test extends DatabaseTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String UNREACHABLE = "The host agent is unreachable: ";
    /** The goals are a second for both; the machine is shared and slow, so the bounds are generous. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(5);
    private static final Duration KILL_SEEN_BOUND = Duration.ofSeconds(5);
    private String login;
    private final Map<String, Object> properties = new HashMap<>();
    private ApplicationContext portal;
    private PortalClient client;
    private String me;
    private String boss;

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @BeforeAll
    void settings() {
        properties.putAll(getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "true");
        properties.put("micronaut.server.port", -1);
    }

    /** A portal and a user of each test's own, so that one test's guests count against no other's quota. */
    @BeforeEach
    void startPortal() {
        login = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
        startPortalContext();
        AccountService accounts = portal.getBean(AccountService.class);
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(admin, new NewUser(login, null, "restart-user-password", Role.USER));
        signIn();
    }

    /**
     * A test that failed may have left the agent stopped, or guests running (they outlive the portal on purpose):
     * the agent comes back for the next test, and what is left of the test's account goes with its QEMUs and cgroups.
     */
    @AfterEach
    void stopPortal() {
        try {
            agent().restart();
        } catch (IllegalStateException running) {
            // It was running: the test ended with the agent up, as it should.
        } finally {
            try {
                if (portal != null) {
                    portal.close();
                    portal = null;
                }
            } finally {
                HostLeftovers.removeAccountOf(login);
            }
        }
    }

    @Test
    void aRunningGuestOutlivesAnAgentRestartAndTheNewAgentWatchesIt() throws Exception {
        long image = demoImage();
        long id = createGuest("lives", image);
        long doomed = createGuest("doomed", image);
        int pid = start(id);
        int doomedPid = start(doomed);
        AgentLink link = portal.getBean(AgentLink.class);

        agent().stop();
        awaitLink(link, false);
        for (HttpResponse<String> response : List.of(
                client.send("POST", "/api/v1/guests/" + id + "/actions/pause", null, "Authorization", me),
                client.get("/api/v1/guests/" + id + "/screenshot", "Authorization", me),
                client.get("/api/v1/admin/host/processes", "Authorization", boss))) {
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(error(response).startsWith(UNREACHABLE), response.body());
        }
        assertEquals("RUNNING", state(id), "the portal keeps what it knows while the agent is away");
        assertEquals("RUNNING", state(doomed));
        ProcessHandle.of(doomedPid).ifPresent(ProcessHandle::destroyForcibly);
        awaitGone(doomedPid);
        assertEquals("RUNNING", state(doomed), "nobody watches the QEMU while the agent is away, nothing is guessed");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "guests outlive their agent");

        long back = System.nanoTime();
        agent().restart();
        awaitLink(link, true);
        long reconnected = System.nanoTime() - back;
        System.out.printf("[AgentRestart] portal reconnected %d ms after the agent came back%n",
                reconnected / 1_000_000);
        assertTrue(reconnected < RECONNECT_BOUND.toNanos(), "reconnected after " + reconnected / 1_000_000 + " ms");
        Map<String, Object> gone = awaitStopped(doomed, RECONNECT_BOUND);
        System.out.printf("[AgentRestart] the guest killed meanwhile STOPPED %d ms after the agent came back%n",
                (System.nanoTime() - back) / 1_000_000);
        assertTrue(String.valueOf(gone.get("lastError")).contains("QEMU was not running any more when the host agent "
                + "came back"), "the guest killed meanwhile says so: " + gone);

        assertEquals(pid, awaitProcess(id), "the same QEMU, re-attached");
        assertEquals("RUNNING", state(id));
        assertArrayEquals(PNG, Arrays.copyOf(screenshot(id), 8));

        assertKillSeen(id, pid, "after the agent restart");
    }

    @Test
    void aRunningGuestOutlivesAPortalRestart() throws Exception {
        long id = createGuest("stays", demoImage());
        int pid = start(id);

        portal.close();
        portal = null;
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "guests outlive their portal");
        startPortalContext();
        signIn();

        assertEquals("RUNNING", state(id));
        assertEquals(pid, awaitProcess(id), "the same QEMU, re-attached");
        assertArrayEquals(PNG, Arrays.copyOf(screenshot(id), 8));
        assertKillSeen(id, pid, "after the portal restart");
    }

    private void startPortalContext() {
        portal = ApplicationContext.run(EmbeddedServer.class, properties, "test").getApplicationContext();
        client = new PortalClient(portal.getBean(EmbeddedServer.class).getPort());
    }

    private void signIn() {
        me = "Bearer " + client.token(login, "restart-user-password");
        boss = "Bearer " + client.token("admin", "admin-password-1");
    }

    /** kill -9 of the QEMU, and the guest STOPPED by the agent's event (not by a later reconcile), in good time. */
    private void assertKillSeen(long id, int pid, String when) throws Exception {
        long killed = System.nanoTime();
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly());
        Map<String, Object> stopped = awaitStopped(id, KILL_SEEN_BOUND);
        long seen = System.nanoTime() - killed;
        System.out.printf("[AgentRestart] kill -9 seen %s in %d ms%n", when, seen / 1_000_000);
        assertTrue(String.valueOf(stopped.get("lastError")).startsWith("QEMU ended: "),
                "the watching agent reported the end: " + stopped);
        assertEquals(204, client.send("DELETE", "/api/v1/guests/" + id, null, "Authorization", me).statusCode());
    }

    private void awaitLink(AgentLink link, boolean reachable) throws InterruptedException {
        long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos() * 2;
        while (link.reachable() != reachable && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(reachable, link.reachable(), "the portal's link to the agent");
    }

    /** The pid the processes view shows for the guest, once the reconcile has re-attached it. */
    private int awaitProcess(long id) throws Exception {
        long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos();
        List<Map<String, Object>> top = List.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = client.get("/api/v1/admin/host/processes", "Authorization", boss);
            if (response.statusCode() == 200) {
                top = json().readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
                for (Map<String, Object> row : top) {
                    // Listed without a pid until the agent knows the guest's QEMU again.
                    if (((Number) row.get("guestId")).longValue() == id && row.get("pid") != null) {
                        return ((Number) row.get("pid")).intValue();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("guest " + id + " is not in the processes view: " + top);
    }

    private static void awaitGone(int pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU " + pid + " is gone");
    }

    private Map<String, Object> awaitStopped(long id, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<String, Object> guest = guest(id);
        while (!"STOPPED".equals(guest.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            guest = guest(id);
        }
        assertEquals("STOPPED", guest.get("state"), "within " + bound.toMillis() + " ms: " + guest);
        return guest;
    }

    private long demoImage() throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> images = json().readValue(client.get("/api/v1/images", "Authorization", me)
                    .body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (!images.isEmpty()) {
                return ((Number) images.get(0).get("id")).longValue();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the demo image was not published within 5 minutes");
    }

    private long createGuest(String name, long image) throws Exception {
        return ((Number) view(client.send("POST", "/api/v1/guests", "{\"name\":\"" + name + "\",\"imageId\":"
                + image + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", "Authorization", me), 201).get("id"))
                .longValue();
    }

    private int start(long id) throws Exception {
        HttpResponse<String> response = client.send("POST", "/api/v1/guests/" + id + "/actions/start", null,
                "Authorization", me);
        assertEquals(200, response.statusCode(), response.body());
        return ((Number) json().readValue(response.body(), Map.class).get("pid")).intValue();
    }

    private String state(long id) throws Exception {
        return (String) guest(id).get("state");
    }

    private Map<String, Object> guest(long id) throws Exception {
        return view(client.get("/api/v1/guests/" + id, "Authorization", me), 200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> view(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return (Map<String, Object>) json().readValue(response.body(), Map.class).get("guest");
    }

    private String error(HttpResponse<String> response) throws Exception {
        return (String) json().readValue(response.body(), Map.class).get("message");
    }

    private JsonMapper json() {
        return portal.getBean(JsonMapper.class);
    }

    private byte[] screenshot(long id) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(client.origin() + "/api/v1/guests/" + id + "/screenshot")).header("Authorization", me)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body()));
        return response.body();
    }
}
