package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.agentlink.FakeAgent;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.testing.TestRows;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API while the host agent is away, through the real web shell with an in-memory agent that can be lost: calls
 * that need the host answer 503 in the one error shape with words, the rest keeps serving, and nothing changes.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentDownH2Test implements TestPropertyProvider {
    private static final String UNREACHABLE = "The host agent is unreachable: ";
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    GuestService guests;
    @Inject
    TestRows rows;
    @Inject
    FakeAgent agent;
    @Inject
    JsonMapper json;
    private TestDatabase database;
    private Path dataDir;

    @Override
    public Map<String, String> getProperties() {
        database = TestDatabase.h2();
        try {
            dataDir = Files.createTempDirectory("kvmptest-data-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> properties = new HashMap<>(database.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "false");
        properties.put("kvmptest.fake-agent", "true");
        return properties;
    }

    @AfterAll
    void removeData() throws IOException {
        database.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Test
    void callsThatNeedTheHostAnswer503WithWordsAndNothingChanges() throws IOException {
        Actor admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        Actor user = accounts.create(admin, new NewUser("ursa", null, "ursa-password-1", Role.USER)).actor();
        long image = rows.publishImage("Plain");
        long running = guests.start(user, guests.create(user, new NewGuest("up", image, 1, 128, 1)).guest().id())
                .guest().id();
        PortalClient client = new PortalClient(server.getPort());
        String me = "Bearer " + client.token("ursa", "ursa-password-1");
        String boss = "Bearer " + client.token("admin", "admin-password-1");
        agent.lose();
        try {
            for (HttpResponse<String> response : List.of(
                    client.send("POST", "/api/v1/guests/" + running + "/actions/pause", null, "Authorization", me),
                    client.send("POST", "/api/v1/guests/" + running + "/actions/force-off", null, "Authorization",
                            me),
                    client.get("/api/v1/guests/" + running + "/screenshot", "Authorization", me),
                    client.send("POST", "/api/v1/guests", "{\"name\":\"new\",\"imageId\":" + image + ",\"vcpus\":1,"
                            + "\"memoryMib\":128,\"diskGib\":1}", "Authorization", me),
                    client.get("/api/v1/admin/host", "Authorization", boss),
                    client.get("/api/v1/admin/host/processes", "Authorization", boss))) {
                Map<String, Object> error = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
                assertEquals(503, response.statusCode(), response.body());
                assertEquals(503, ((Number) error.get("status")).intValue());
                assertEquals("Service Unavailable", error.get("error"));
                assertTrue(((String) error.get("message")).startsWith(UNREACHABLE), response.body());
            }
            HttpResponse<String> list = client.get("/api/v1/guests", "Authorization", me);
            assertEquals(200, list.statusCode(), "the portal keeps serving what it knows: " + list.body());
            List<Map<String, Object>> listed = json.readValue(list.body(),
                    Argument.listOf(Argument.mapOf(String.class, Object.class)));
            assertEquals(List.of("up"), listed.stream().map(g -> ((Map<?, ?>) g.get("guest")).get("name")).toList(),
                    "the guest that was not created is not listed");
            assertEquals("RUNNING", ((Map<?, ?>) listed.get(0).get("guest")).get("state"));
        } finally {
            agent.comeBack();
        }
    }
}
