package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.account.SecurityConfiguration;
import io.kvmportal.account.UserView;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestRows;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API through the real web shell (Jetty, filters, Micronaut), on every database (see subclasses). */
abstract class ApiContract extends DatabaseTest {
    static final String ADMIN_PASSWORD = "admin-password-1";
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    JsonMapper json;
    PortalClient client;
    UserView admin;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("portal.admin.password", ADMIN_PASSWORD);
        return properties;
    }

    @Inject
    TestRows rows;
    @Inject
    SecurityConfiguration security;

    @BeforeEach
    void client() {
        // Every test signs in from 127.0.0.1: one test's failures must not throttle the next.
        rows.forgetSignInFailures();
        client = new PortalClient(server.getPort());
        admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
    }

    @Test
    void healthNeedsNoCredentials() throws IOException {
        HttpResponse<String> health = client.get("/api/v1/health");
        assertEquals(200, health.statusCode());
        assertEquals("UP", field(health, "database"));
    }

    /** The API, the UI and a missing page alike: the browser's protections on, and no server version to look up. */
    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoServerVersion() {
        for (String path : List.of("/api/v1/health", "/api/v1/me", "/login", "/no/such/page")) {
            HttpResponse<String> answer = client.get(path);
            assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElse(""), path);
            assertTrue(answer.headers().firstValue("Server").isEmpty(), path + ": " + answer.headers().map());
            assertFalse(answer.body().contains("12.1."), path + " names Jetty's version: " + answer.body());
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        HttpResponse<String> document = client.get("/api/v1/openapi.yml");
        assertEquals(200, document.statusCode());
        assertTrue(document.body().contains("title: kvm-portal") && document.body().contains("/api/v1/guests:")
                && document.body().contains("/api/v1/admin/users/{id}/quota:"), document.body());
    }

    @Test
    void tokenIssuedForGoodCredentialsAnswersMe() throws IOException {
        HttpResponse<String> issued = requestToken("admin", ADMIN_PASSWORD);
        assertEquals(201, issued.statusCode(), issued.body());
        String token = (String) field(issued, "token");
        assertTrue(token.startsWith("kvmp_") && token.length() > 40, token);
        HttpResponse<String> me = client.get("/api/v1/me", "Authorization", "Bearer " + token);
        assertEquals(200, me.statusCode());
        assertEquals("admin", field(me, "login"));
        assertTrue(!me.body().contains("password"), me.body());
    }

    @Test
    void wrongCredentialsGet401InTheOneErrorShape() throws IOException {
        accounts.create(admin.actor(), new NewUser("wrongpw", null, "wrongpw-password", Role.USER));
        HttpResponse<String> wrongPassword = requestToken("wrongpw", "not-the-password");
        HttpResponse<String> unknownLogin = requestToken("nosuchuser", "not-the-password");
        assertError(wrongPassword, 401);
        assertError(unknownLogin, 401);
        assertEquals(wrongPassword.body(), unknownLogin.body(), "must not reveal which part was wrong");
    }

    @Test
    void aLoginLongerThanAnyAccountsIsWrongCredentialsAndAudited() throws IOException {
        String login = "x".repeat(5_000);
        assertError(requestToken(login, "not-the-password"), 401);
        String adminToken = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        List<Map<String, Object>> signIns = list(client.get("/api/v1/audit?action=SIGN_IN",
                "Authorization", "Bearer " + adminToken));
        assertTrue(signIns.stream().anyMatch(entry -> Boolean.FALSE.equals(entry.get("success"))
                        && ((String) entry.get("actorLogin")).length() == 64
                        && ((String) entry.get("actorLogin")).startsWith("xxx")),
                "audited under its login, cut to the column's width: " + signIns);
    }

    @Test
    void meWithoutCredentialsIs401() throws IOException {
        HttpResponse<String> me = client.get("/api/v1/me");
        assertError(me, 401);
        assertTrue(me.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertError(client.get("/api/v1/me", "Authorization", "Bearer kvmp_forged"), 401);
        assertError(client.get("/api/v1/me", "Authorization", "Basic YWRtaW46eA=="), 401);
    }

    @Test
    void meWithASessionCookieAndTheSessionIdChangesAtSignIn() throws IOException {
        String before = PortalClient.sessionCookie(client.get("/login")).orElseThrow();
        String session = client.signIn("admin", ADMIN_PASSWORD).orElseThrow();
        assertNotEquals(before, session);
        HttpResponse<String> me = client.get("/api/v1/me", "Cookie", session);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("admin", field(me, "login"));
    }

    @Test
    void aDisabledUserLosesTokenAndSession() throws IOException {
        UserView dana = accounts.create(admin.actor(), new NewUser("dana", null, "dana-password", Role.USER));
        String token = (String) field(requestToken("dana", "dana-password"), "token");
        String session = client.signIn("dana", "dana-password").orElseThrow();
        assertEquals(200, client.get("/api/v1/me", "Authorization", "Bearer " + token).statusCode());
        accounts.setEnabled(admin.actor(), dana.id(), false);
        assertError(client.get("/api/v1/me", "Authorization", "Bearer " + token), 401);
        assertError(client.get("/api/v1/me", "Cookie", session), 401);
        assertTrue(client.signIn("dana", "dana-password").isEmpty(), "a disabled user cannot sign in");
        accounts.setEnabled(admin.actor(), dana.id(), true);
        assertError(client.get("/api/v1/me", "Cookie", session), 401);
    }

    @Test
    void revokedTokenStopsWorking() throws IOException {
        String token = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        assertEquals(204, client.send("DELETE", "/api/v1/auth/token", null,
                "Authorization", "Bearer " + token).statusCode());
        assertError(client.get("/api/v1/me", "Authorization", "Bearer " + token), 401);
    }

    @Test
    void badJsonAndUnknownFieldsAre400() throws IOException {
        assertError(client.send("POST", "/api/v1/auth/token", "{\"login\":"), 400);
        HttpResponse<String> unknown = client.send("POST", "/api/v1/auth/token",
                "{\"login\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\",\"admin\":true}");
        assertError(unknown, 400);
        assertTrue(unknown.body().contains("admin"), unknown.body());
        assertError(client.send("POST", "/api/v1/auth/token", "[1,2]"), 400);
    }

    @Test
    void unknownRoutesAre404InTheSameShape() throws IOException {
        String token = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        assertError(client.get("/api/v1/no-such-thing", "Authorization", "Bearer " + token), 404);
    }

    @Test
    void sessionCallsThatChangeStateMustComeFromThePortal() throws IOException {
        String session = client.signIn("admin", ADMIN_PASSWORD).orElseThrow();
        String body = "{\"login\":\"csrf\",\"password\":\"csrf-password\"}";
        assertError(client.send("POST", "/api/v1/admin/users", body, "Cookie", session,
                "Origin", "http://evil.example"), 403);
        assertTrue(accounts.list(admin.actor()).stream().noneMatch(user -> user.login().equals("csrf")));
        HttpResponse<String> created = client.send("POST", "/api/v1/admin/users", body, "Cookie", session,
                "Origin", client.origin());
        assertEquals(201, created.statusCode(), created.body());
    }

    /** A browser that sends no Origin is believed on a Referer of the portal; a request with neither is refused. */
    @Test
    void sessionCallsThatChangeStateWithoutOriginNeedAPortalReferer() throws IOException {
        String session = client.signIn("admin", ADMIN_PASSWORD).orElseThrow();
        String body = "{\"login\":\"noorigin\",\"password\":\"noorigin-password\"}";
        HttpResponse<String> bare = client.send("POST", "/api/v1/admin/users", body, "Cookie", session);
        assertError(bare, 403);
        assertTrue(bare.body().contains("neither Origin nor Referer"), bare.body());
        assertError(client.send("POST", "/api/v1/admin/users", body, "Cookie", session,
                "Referer", "http://evil.example/admin/users"), 403);
        assertError(client.send("DELETE", "/api/v1/admin/users/" + admin.id(), null, "Cookie", session), 403);
        assertTrue(accounts.list(admin.actor()).stream().noneMatch(user -> user.login().equals("noorigin")));
        HttpResponse<String> created = client.send("POST", "/api/v1/admin/users", body, "Cookie", session,
                "Referer", client.origin() + "/admin/users");
        assertEquals(201, created.statusCode(), created.body());
        // Scripts send neither header: a token is their credential, and no browser attaches one by itself.
        String token = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        assertEquals(201, client.send("POST", "/api/v1/admin/users", body.replace("noorigin", "scripted"),
                "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void theSignInFormNeedsAPortalOriginOrReferer() {
        String form = "username=admin&password=" + ADMIN_PASSWORD;
        String type = "application/x-www-form-urlencoded";
        HttpResponse<String> bare = client.sendBody("POST", "/login", type, form);
        assertEquals(403, bare.statusCode(), bare.body());
        assertTrue(bare.headers().firstValue("Location").isEmpty(), bare.headers().map().toString());
        assertEquals(403, client.sendBody("POST", "/login", type, form, "Referer", "http://evil.example/")
                .statusCode());
        HttpResponse<String> referred = client.sendBody("POST", "/login", type, form,
                "Referer", client.origin() + "/login");
        assertEquals("/", referred.headers().firstValue("Location").orElse(""), referred.headers().map().toString());
    }

    /** Tokens, console tickets and links, and every other API answer: no cache keeps a copy. */
    @Test
    void apiAnswersAreNotStored() throws IOException {
        HttpResponse<String> issued = requestToken("admin", ADMIN_PASSWORD);
        assertEquals(201, issued.statusCode());
        assertEquals("no-store", issued.headers().firstValue("Cache-Control").orElse(""), issued.headers().map()
                .toString());
        String token = (String) field(issued, "token");
        assertEquals("no-store", client.get("/api/v1/me", "Authorization", "Bearer " + token).headers()
                .firstValue("Cache-Control").orElse(""));
        assertEquals("no-store", client.get("/api/v1/me").headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-store", client.get("/shared-console/no-such-link").headers().firstValue("Cache-Control")
                .orElse(""));
    }

    /** Without a trusted proxy configured, a forwarded scheme is nobody's word: the cookie stays as the request. */
    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() {
        HttpResponse<String> signedIn = client.sendBody("POST", "/login", "application/x-www-form-urlencoded",
                "username=admin&password=" + ADMIN_PASSWORD, "Origin", client.origin(),
                "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(value -> value.startsWith(JettyServer.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertFalse(cookie.toLowerCase(java.util.Locale.ROOT).contains("secure"), cookie);
    }

    /**
     * Every page's policy: scripts only from the portal or with this response's nonce, which Vaadin's inline
     * bootstrap scripts carry; a new nonce every time.
     */
    @Test
    void pagesCarryAStrictContentSecurityPolicyWhoseNonceTheirScriptsBear() {
        HttpResponse<String> login = client.get("/login");
        String policy = login.headers().firstValue("Content-Security-Policy").orElse("");
        java.util.regex.Matcher nonce = java.util.regex.Pattern.compile("'nonce-([A-Za-z0-9+/=]{24})'").matcher(policy);
        assertTrue(nonce.find(), policy);
        for (String directive : List.of("default-src 'self'", "object-src 'none'", "base-uri 'self'",
                "form-action 'self'", "frame-ancestors 'none'", "connect-src 'self'")) {
            assertTrue(policy.contains(directive), directive + " in " + policy);
        }
        assertFalse(policy.matches(".*script-src[^;]*'unsafe-inline'.*"), policy);
        long scripts = login.body().split("<script", -1).length - 1;
        long nonced = login.body().split("<script[^>]*nonce=\"" + java.util.regex.Pattern.quote(nonce.group(1))
                + "\"", -1).length - 1;
        assertTrue(scripts > 0 && nonced == scripts, nonced + " of " + scripts + " scripts bear the nonce: "
                + login.body());
        String again = client.get("/login").headers().firstValue("Content-Security-Policy").orElse("");
        assertFalse(again.contains(nonce.group(1)), "the nonce was used twice");
    }

    @Test
    void onlyAdminsReachTheUserAdministration() throws IOException {
        accounts.create(admin.actor(), new NewUser("plain", null, "plain-password", Role.USER));
        String token = (String) field(requestToken("plain", "plain-password"), "token");
        assertError(client.get("/api/v1/admin/users", "Authorization", "Bearer " + token), 403);
        String adminToken = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        assertEquals(200, client.get("/api/v1/admin/users", "Authorization", "Bearer " + adminToken).statusCode());
    }

    @Test
    void repeatedFailuresForALoginAreSlowedDown() throws IOException {
        accounts.create(admin.actor(), new NewUser("slow", null, "slow-password", Role.USER));
        for (int i = 0; i < 4; i++) {
            assertError(requestToken("slow", "guess-" + i), 401);
        }
        HttpResponse<String> throttled = requestToken("slow", "slow-password");
        assertError(throttled, 429);
        assertTrue(client.signIn("slow", "slow-password").isEmpty(), "the form is throttled too");
    }

    /** Password spraying: many logins, one guess each, from one address. */
    @Test
    void oneAddressIsRefusedAfterItsAllowanceEvenWithTheRightPassword() throws IOException {
        accounts.create(admin.actor(), new NewUser("sprayed", null, "sprayed-password", Role.USER));
        for (int i = 0; i <= security.getAddressFreeFailures(); i++) {
            assertError(requestToken("spray-" + i, "Winter2026!"), 401);
        }
        HttpResponse<String> refused = requestToken("sprayed", "sprayed-password");
        assertError(refused, 429);
        assertTrue(refused.body().contains("Too many failed sign-ins from your network address; try again in"),
                refused.body());
        assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElse("0")) > 0,
                refused.headers().toString());
        HttpResponse<String> form = client.sendBody("POST", "/login", "application/x-www-form-urlencoded",
                "username=sprayed&password=sprayed-password", "Origin", client.origin());
        String location = form.headers().firstValue("Location").orElse("");
        assertTrue(location.matches("/login\\?error=address_throttled&wait=\\d+"),
                "the form is refused too: " + location);
    }

    @Test
    void theAuditLogShowsSignInsAndUsersSeeOnlyTheirOwnEntries() throws IOException {
        accounts.create(admin.actor(), new NewUser("ivy", null, "ivy-password", Role.USER));
        assertError(requestToken("ivy", "a-wrong-guess"), 401);
        String ivyToken = (String) field(requestToken("ivy", "ivy-password"), "token");
        String adminToken = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");

        List<Map<String, Object>> ivys = list(client.get("/api/v1/audit", "Authorization", "Bearer " + ivyToken));
        assertTrue(ivys.stream().allMatch(entry -> "ivy".equals(entry.get("actorLogin"))
                || "ivy".equals(entry.get("targetName"))), ivys.toString());
        assertTrue(ivys.stream().anyMatch(entry -> "TOKEN_ISSUED".equals(entry.get("action"))), ivys.toString());

        List<Map<String, Object>> failures = list(client.get("/api/v1/audit?action=SIGN_IN&login=ivy",
                "Authorization", "Bearer " + adminToken));
        assertTrue(failures.stream().anyMatch(entry -> Boolean.FALSE.equals(entry.get("success"))
                && "Wrong login name or password.".equals(entry.get("reason"))), failures.toString());
        assertError(client.get("/api/v1/audit?action=NO_SUCH_ACTION", "Authorization", "Bearer " + adminToken), 400);
    }

    @Test
    void quotasThroughTheApi() throws IOException {
        UserView rita = accounts.create(admin.actor(), new NewUser("rita", null, "rita-password", Role.USER));
        String ritaToken = (String) field(requestToken("rita", "rita-password"), "token");
        String adminToken = (String) field(requestToken("admin", ADMIN_PASSWORD), "token");
        HttpResponse<String> mine = client.get("/api/v1/quota", "Authorization", "Bearer " + ritaToken);
        assertEquals(200, mine.statusCode(), mine.body());
        String limits = "{\"guests\":7,\"runningGuests\":2,\"vcpus\":4,\"memoryMib\":2048,\"diskGib\":20}";
        String path = "/api/v1/admin/users/" + rita.id() + "/quota";
        assertError(client.send("PUT", path, limits, "Authorization", "Bearer " + ritaToken), 403);
        assertError(client.send("PUT", path, limits.replace("}", ",\"cpus\":1}"),
                "Authorization", "Bearer " + adminToken), 400);
        assertError(client.send("PUT", path, limits.replace("7", "-7"), "Authorization", "Bearer " + adminToken),
                400);
        assertEquals(200, client.send("PUT", path, limits, "Authorization", "Bearer " + adminToken).statusCode());
        Map<?, ?> after = json.readValue(client.get("/api/v1/quota", "Authorization", "Bearer " + ritaToken).body(),
                Map.class);
        assertEquals(7, ((Number) ((Map<?, ?>) after.get("limits")).get("guests")).intValue());
        // Admin calls are refused as a whole, even for the caller's own quota: it has its own, plain call.
        assertError(client.get("/api/v1/admin/users/" + admin.id() + "/quota", "Authorization",
                "Bearer " + ritaToken), 403);
        assertError(client.get("/api/v1/admin/users/" + rita.id() + "/quota", "Authorization",
                "Bearer " + ritaToken), 403);
    }

    /** micronaut-serde alone set the four limits not sent to 0; a PUT names them and changes nothing. */
    @Test
    void aQuotaPutNeedsAllFiveLimitsAndAPatchChangesOnlyThoseGiven() throws IOException {
        UserView pat = accounts.create(admin.actor(), new NewUser("pat", null, "pat-password", Role.USER));
        String adminToken = "Bearer " + field(requestToken("admin", ADMIN_PASSWORD), "token");
        String path = "/api/v1/admin/users/" + pat.id() + "/quota";
        String all = "{\"guests\":7,\"runningGuests\":2,\"vcpus\":4,\"memoryMib\":2048,\"diskGib\":20}";
        assertEquals(200, client.send("PUT", path, all, "Authorization", adminToken).statusCode());

        String partial = message(client.send("PUT", path, "{\"guests\":3}", "Authorization", adminToken), 400);
        assertTrue(partial.contains("required but missing: runningGuests, vcpus, memoryMib, diskGib"), partial);
        assertEquals(Map.of("guests", 7, "runningGuests", 2, "vcpus", 4, "memoryMib", 2048, "diskGib", 20),
                limits(client.get(path, "Authorization", adminToken)));
        String defaults = message(client.send("PUT", "/api/v1/admin/quota-defaults", "{\"vcpus\":8}",
                "Authorization", adminToken), 400);
        assertTrue(defaults.contains("required but missing: guests, runningGuests, memoryMib, diskGib"), defaults);

        HttpResponse<String> patched = client.send("PATCH", path, "{\"guests\":3}", "Authorization", adminToken);
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(Map.of("guests", 3, "runningGuests", 2, "vcpus", 4, "memoryMib", 2048, "diskGib", 20),
                limits(patched));
        assertTrue(message(client.send("PATCH", path, "{}", "Authorization", adminToken), 400)
                .startsWith("Nothing to change"));
        assertTrue(message(client.send("PATCH", path, "{\"vcpus\":-1}", "Authorization", adminToken), 400)
                .contains("vCPUs -1 not within"));
        assertTrue(message(client.send("PATCH", path, "{\"vcpus\":2.5}", "Authorization", adminToken), 400)
                .contains("vcpus: expected a whole number, got 2.5"));
        assertEquals(3, limits(client.get(path, "Authorization", adminToken)).get("guests"));
    }

    /** Each PATCH reads the limits after the one before it has written, under the user's row lock. */
    @Test
    void concurrentQuotaPatchesKeepEachOthersChanges() throws Exception {
        UserView quinn = accounts.create(admin.actor(), new NewUser("quinn", null, "quinn-password", Role.USER));
        String adminToken = "Bearer " + field(requestToken("admin", ADMIN_PASSWORD), "token");
        String path = "/api/v1/admin/users/" + quinn.id() + "/quota";
        List<String> fields = List.of("guests", "runningGuests", "vcpus", "memoryMib", "diskGib");
        ExecutorService pool = Executors.newFixedThreadPool(fields.size());
        try {
            for (int round = 1; round <= 6; round++) {
                int value = 100 + round;
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String name : fields) {
                    answers.add(pool.submit(() -> client.send("PATCH", path, "{\"" + name + "\":" + value + "}",
                            "Authorization", adminToken)));
                }
                for (Future<HttpResponse<String>> answer : answers) {
                    assertEquals(200, answer.get(60, TimeUnit.SECONDS).statusCode());
                }
                Map<String, Integer> expected = new HashMap<>();
                fields.forEach(name -> expected.put(name, value));
                assertEquals(expected, limits(client.get(path, "Authorization", adminToken)), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A display name is shown to others: an invisible or direction-changing character could pose as someone. */
    @Test
    void displayNamesWithInvisibleCharactersAreRefusedNamingTheCharacter() throws IOException {
        String adminToken = "Bearer " + field(requestToken("admin", ADMIN_PASSWORD), "token");
        Map<String, String> refusals = Map.of(
                "Admin\\u200Bistrator", "U+200B (ZERO WIDTH SPACE) at character 6",
                "Eve \\u202Enimda", "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String message = message(client.send("POST", "/api/v1/admin/users", "{\"login\":\"poser\","
                    + "\"displayName\":\"" + refusal.getKey() + "\",\"password\":\"poser-password\"}",
                    "Authorization", adminToken), 400);
            assertTrue(message.contains(refusal.getValue()), message);
            assertFalse(message.contains("\u200B") || message.contains("\u202E"), "repeats the character: " + message);
        }
        assertTrue(accounts.list(admin.actor()).stream().noneMatch(user -> user.login().equals("poser")));
    }

    /** Each loose value micronaut-serde accepted before, on a user's creation: refused, the field named. */
    @Test
    void looseJsonIsRefusedNamingTheField() throws IOException {
        String adminToken = "Bearer " + field(requestToken("admin", ADMIN_PASSWORD), "token");
        String good = "{\"login\":\"loose\",\"password\":\"loose-password\",\"role\":\"USER\"}";
        Map<String, String> refusals = Map.of(
                good.replace("\"loose\"", "[\"loose\"]"), "login: expected a string, got an array",
                good.replace("\"loose\"", "12345"), "login: expected a string, got 12345",
                good.replace("\"USER\"", "\"ROOT\""), "role: expected one of USER, ADMIN, got the string \"ROOT\"",
                good.replace("\"loose\"", "null"), "login: a value is required, got null",
                good.replace("}", ",\"admin\":true}"), "admin: unknown property",
                "[" + good + "]", "the body: expected an object, got an array",
                "{\"login\":", "The request body is not valid JSON: Unexpected end-of-input",
                good + " {}", "The request body is not valid JSON: more follows its value (line 1, column",
                good.replace("}", ",\"login\":\"other\"}"), "Duplicate field 'login'");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String message = message(client.send("POST", "/api/v1/admin/users", refusal.getKey(),
                    "Authorization", adminToken), 400);
            assertTrue(message.contains(refusal.getValue()), refusal.getKey() + " -> " + message);
            assertFalse(message.contains("io.kvmportal") || message.contains("[Source"), message);
        }
        String path = "/api/v1/admin/users/" + admin.id();
        assertTrue(message(client.send("PATCH", path, "{\"enabled\":\"true\"}", "Authorization", adminToken), 400)
                .contains("enabled: expected true or false, got the string \"true\""));
        assertTrue(message(client.send("PATCH", path, "{\"enabled\":1}", "Authorization", adminToken), 400)
                .contains("enabled: expected true or false, got 1"));
        assertTrue(message(client.send("PATCH", path, "{}", "Authorization", adminToken), 400)
                .contains("required but missing: enabled"));
        assertTrue(message(client.get("/api/v1/audit?limit=1.5", "Authorization", adminToken), 400)
                .contains("limit: expected a whole number, got \"1.5\""));
        assertTrue(accounts.list(admin.actor()).stream().noneMatch(user -> user.login().equals("loose")));
    }

    private Map<?, ?> limits(HttpResponse<String> view) throws IOException {
        assertEquals(200, view.statusCode(), view.body());
        return (Map<?, ?>) json.readValue(view.body(), Map.class).get("limits");
    }

    private String message(HttpResponse<String> response, int status) throws IOException {
        assertError(response, status);
        return (String) json.readValue(response.body(), Map.class).get("message");
    }

    private List<Map<String, Object>> list(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        return json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    private HttpResponse<String> requestToken(String login, String password) {
        return client.send("POST", "/api/v1/auth/token",
                "{\"login\":\"" + login + "\",\"password\":\"" + password + "\"}");
    }

    private Object field(HttpResponse<String> response, String name) throws IOException {
        return json.readValue(response.body(), Map.class).get(name);
    }

    private void assertError(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        Map<?, ?> error = json.readValue(response.body(), Map.class);
        assertEquals(status, ((Number) error.get("status")).intValue());
        assertTrue(error.get("error") instanceof String && error.get("message") instanceof String, response.body());
    }
}
