package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.account.UserView;
import io.kvmportal.testing.DatabaseTest;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A flood of wrong sign-ins against the real web shell, at production's bcrypt cost, on every database (see the
 * subclasses): sign-ins queue or are refused in words, and a signed-in user, health and the pool of database
 * connections are not starved. The address allowance is set out of reach here, so that it is the password check's
 * pool that is under test, not the throttle (ApiContract and SignInThrottleContract test that).
 */
abstract class SignInFloodContract extends DatabaseTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "flood-password-1";
    private static final int SIGN_INS = 40;
    private static final Set<Integer> REFUSALS = Set.of(401, 429, 503);
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", ADMIN_PASSWORD);
        properties.put("portal.security.bcrypt-cost", "12");
        properties.put("portal.security.address-free-failures", "1000");
        return properties;
    }

    @Test
    void fortyWrongSignInsAtOnceLeaveASignedInUserAndHealthAnswering() throws Exception {
        PortalClient client = new PortalClient(server.getPort());
        UserView admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
        accounts.create(admin.actor(), new NewUser("lister", null, PASSWORD, Role.USER));
        accounts.create(admin.actor(), new NewUser("victim", null, PASSWORD, Role.USER));
        String token = client.token("lister", PASSWORD);
        for (int i = 0; i < 20; i++) {
            assertEquals(200, client.get("/api/v1/guests", "Authorization", "Bearer " + token).statusCode());
        }
        ExecutorService attackers = Executors.newFixedThreadPool(SIGN_INS);
        try {
            List<CompletableFuture<HttpResponse<String>>> signIns = new ArrayList<>();
            for (int i = 0; i < SIGN_INS; i++) {
                String login = i % 2 == 0 ? "victim" : "ghost-" + i;
                signIns.add(CompletableFuture.supplyAsync(() -> client.send("POST", "/api/v1/auth/token",
                        "{\"login\":\"" + login + "\",\"password\":\"wrong-guess\"}"), attackers));
            }
            CompletableFuture<Void> flood = CompletableFuture.allOf(signIns.toArray(CompletableFuture[]::new));
            List<Long> listing = new ArrayList<>();
            HttpResponse<String> health = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while ((!flood.isDone() || health == null) && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                HttpResponse<String> listed = client.get("/api/v1/guests", "Authorization", "Bearer " + token);
                listing.add(System.nanoTime() - start);
                assertEquals(200, listed.statusCode(), listed.body());
                if (health == null && listing.size() == 3) {
                    health = client.get("/api/v1/health");
                }
            }
            flood.get(1, TimeUnit.SECONDS);
            assertEquals(200, health.statusCode(), "health during the flood: " + health.body());
            for (CompletableFuture<HttpResponse<String>> signIn : signIns) {
                assertRefusedInWords(signIn.get());
            }
            assertTrue(listing.size() >= 5, "the user listed only " + listing.size() + " times");
            long p99 = listing.stream().sorted().toList().get(listing.size() * 99 / 100) / 1_000_000;
            assertTrue(p99 < 1000, "the signed-in user's p99 during the flood: " + p99 + " ms over "
                    + listing.size() + " listings");
        } finally {
            attackers.shutdownNow();
        }
    }

    private void assertRefusedInWords(HttpResponse<String> response) throws IOException {
        assertTrue(REFUSALS.contains(response.statusCode()), response.statusCode() + " " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        Map<?, ?> error = json.readValue(response.body(), Map.class);
        assertEquals(response.statusCode(), ((Number) error.get("status")).intValue());
        String words = switch (response.statusCode()) {
            case 401 -> "Wrong login name or password.";
            case 429 -> "Too many failed sign-ins for this login name";
            default -> "The portal is checking too many sign-ins at once";
        };
        assertTrue(String.valueOf(error.get("message")).startsWith(words), response.body());
        if (response.statusCode() != 401) {
            assertTrue(response.headers().firstValue("Retry-After").isPresent(), response.headers().toString());
        }
    }
}
