package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditEvent;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditQuery;
import io.kvmportal.console.ConsoleShares;
import io.kvmportal.guest.Guest;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestRows;
import io.kvmportal.web.ApiAccessRules.Rule;
import io.kvmportal.web.ApiAccessRules.Sample;
import io.kvmportal.web.ApiAccessRules.Who;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * Every endpoint of the REST API against its row in {@link ApiAccessRules}, through the real web shell: who may
 * call it gets through, everyone else gets 401, 403 or (for another user's guest) the very 404 of a guest that
 * does not exist, with a bearer token and with a browser session alike. The list of endpoints comes from
 * Micronaut's router, so a new endpoint without a row fails here.
 */
abstract class ApiAuthorizationContract extends DatabaseTest {
    private static final String PASSWORD = "authz-password-1";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    /** Test names: a broken check could let the host make their Linux accounts, which {@link #removeAccounts} ends. */
    private static final String UMA = "kvmptest-uma-" + RUN;
    private static final String OTTO = "kvmptest-otto-" + RUN;
    @Inject
    EmbeddedServer server;
    @Inject
    Router router;
    @Inject
    AccountService accounts;
    @Inject
    QuotaService quotas;
    @Inject
    GuestRegistry registry;
    @Inject
    TestRows rows;
    @Inject
    JsonMapper json;
    @Inject
    ImageCatalog images;
    @Inject
    AuditLog audit;
    @Inject
    ConsoleShares consoleShares;
    private PortalClient client;
    private Caller admin;
    private Caller uma;
    private Caller otto;
    private Actor umaActor;
    /** Uma's guests, one in every state: others must get 404 for each, whatever its state. */
    private final List<Guest> umasGuests = new ArrayList<>();
    private Guest umasCreating;
    private final AtomicInteger serial = new AtomicInteger();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("portal.admin.password", PASSWORD);
        return properties;
    }

    /** A signed-in account as the API sees it: by bearer token or by the cookie of a browser session. */
    private record Caller(String login, String token, String session) {
    }

    @BeforeAll
    void stage() {
        client = new PortalClient(server.getPort());
        Actor adminActor = accounts.checkPassword("admin", PASSWORD).orElseThrow().actor();
        umaActor = accounts.create(adminActor, new NewUser(UMA, null, PASSWORD, Role.USER)).actor();
        accounts.create(adminActor, new NewUser(OTTO, null, PASSWORD, Role.USER));
        quotas.setLimits(adminActor, umaActor.id(), new QuotaLimits(20, 2, 4, 4096, 50));
        for (GuestState state : GuestState.values()) {
            Guest guest = registry.reserveNew(umaActor, new NewGuest("g-" + state.name().toLowerCase(), null, 1,
                    128, 1));
            if (state != GuestState.CREATING) {
                registry.advance(guest.id(), GuestState.CREATING, state, null);
            } else {
                umasCreating = guest;
            }
            umasGuests.add(registry.get(umaActor, guest.id()));
        }
        umasGuests.sort(Comparator.comparingLong(Guest::id));
        admin = signIn("admin");
        uma = signIn(UMA);
        otto = signIn(OTTO);
    }

    @AfterAll
    void removeAccounts() {
        for (String login : List.of(UMA, OTTO)) {
            HostLeftovers.removeAccountOf(login);
        }
    }

    @Test
    void everyRouteOfTheRouterHasARule() {
        Set<String> routes = routes();
        Set<String> ruled = ApiAccessRules.RULES.stream().map(Rule::route)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> problems = new ArrayList<>();
        routes.stream().filter(route -> !ruled.contains(route)).forEach(route -> problems.add("No access rule for '"
                + route + "': add a row to ApiAccessRules.RULES saying who may call it (ANYONE, SIGNED_IN, ADMIN or"
                + " GUEST_OWNER) with a sample request."));
        ruled.stream().filter(route -> !routes.contains(route)).forEach(route -> problems.add("ApiAccessRules has a"
                + " row for '" + route + "', but the router has no such route: remove or correct the row."));
        assertEquals(ApiAccessRules.RULES.size(), ruled.size(), "one row per route");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutes() {
        HttpResponse<String> document = client.get("/api/v1/openapi.yml");
        assertEquals(200, document.statusCode());
        Map<String, Map<String, Object>> paths = new Yaml().<Map<String, Map<String, Map<String, Object>>>>load(
                document.body()).get("paths");
        Set<String> described = new TreeSet<>();
        paths.forEach((path, methods) -> methods.keySet().forEach(method -> described.add(
                method.toUpperCase() + " " + path)));
        assertEquals(routes(), described, "the routes the portal serves and those its OpenAPI document describes");
    }

    @TestFactory
    Stream<DynamicTest> everyRouteAnswersOnlyWhoMayCallIt() {
        return ApiAccessRules.RULES.stream().map(rule -> DynamicTest.dynamicTest(rule.route() + " (" + rule.who()
                + ")", () -> check(rule)));
    }

    /** Admin calls are refused by URL before any controller runs; no other spelling of the URL may slip past. */
    @Test
    void noSpellingOfAnAdminUrlReachesAPlainUser() {
        for (String path : List.of("/api/v1/admin/users", "/api/v1/admin/users/", "/api/v1/%61dmin/users",
                "/api/v1//admin/users", "/api/v1/./admin/users", "/api/v1/guests/../admin/users",
                "/api/v1/admin;x=1/users", "/api/v1/ADMIN/users", "/api/v1/admin/users?x=/api/v1/health")) {
            HttpResponse<String> response = client.get(path, "Authorization", "Bearer " + uma.token());
            assertTrue(response.statusCode() >= 400 && response.statusCode() != 401, path + " answered "
                    + response.statusCode() + ": " + response.body());
            assertTrue(!response.body().contains(OTTO), path + " leaked the user list");
        }
    }

    /** Below the web shell's URL rule the services refuse too, before they look anything up. */
    @Test
    void imageWithdrawalRefusesNonAdminsBeforeItLooksTheImageUp() {
        long image = rows.publishImage("kept-secret");
        for (long id : List.of(image, image + 1000)) {
            PortalException refused = assertThrows(PortalException.class, () -> images.withdraw(umaActor, id));
            assertEquals(Fault.FORBIDDEN, refused.fault(), refused.getMessage());
        }
        List<AuditEvent> seen = audit.find(umaActor, new AuditQuery(null, AuditAction.IMAGE_WITHDRAWN, null, null,
                null, 10));
        assertEquals(List.of("#" + (image + 1000), "#" + image), seen.stream().map(AuditEvent::targetName).toList());
    }

    private void check(Rule rule) throws IOException {
        switch (rule.who()) {
            case ANYONE -> samples(rule).forEach(sample -> expect(rule, "anonymous", sample,
                    call(rule, sample, null), sample.allowedStatus()));
            case SIGNED_IN -> {
                refusedToAnonymous(rule, samples(rule));
                for (Caller caller : List.of(uma, admin)) {
                    samples(rule).forEach(sample -> expect(rule, caller.login(), sample,
                            callWithOwnToken(rule, sample, caller), sample.allowedStatus()));
                }
            }
            case ADMIN -> {
                refusedToAnonymous(rule, samples(rule));
                for (Caller caller : List.of(uma, otto)) {
                    for (Sample sample : samples(rule)) {
                        expectError(rule, caller.login() + " (token)", sample, call(rule, sample, bearer(caller)), 403);
                        expectError(rule, caller.login() + " (session)", sample, call(rule, sample, session(caller)),
                                403);
                    }
                }
                samples(rule).forEach(sample -> expect(rule, "admin", sample,
                        call(rule, sample, bearer(admin)), sample.allowedStatus()));
            }
            case GUEST_OWNER -> checkGuestOwner(rule);
        }
        refusedAcrossSites(rule);
    }

    private void checkGuestOwner(Rule rule) throws IOException {
        refusedToAnonymous(rule, samples(rule));
        List<Guest> before = byId(registry.list(umaActor));
        long missing = umasGuests.stream().mapToLong(Guest::id).max().orElseThrow() + 1000;
        for (Caller other : List.of(otto, admin)) {
            for (Guest guest : umasGuests) {
                List<Sample> theirs = rule.samples().apply(new Stage(guest.id()));
                List<Sample> none = rule.samples().apply(new Stage(missing));
                for (int i = 0; i < theirs.size(); i++) {
                    for (String[] credentials : List.of(bearer(other), session(other))) {
                        String who = other.login() + " on " + UMA + "'s " + guest.state() + " guest";
                        HttpResponse<String> answer = call(rule, theirs.get(i), credentials);
                        expectError(rule, who, theirs.get(i), answer, 404);
                        String asIfMissing = call(rule, none.get(i), credentials).body()
                                .replace(Long.toString(missing), Long.toString(guest.id()));
                        assertEquals(asIfMissing, answer.body(), rule.route() + ": " + who
                                + " must get exactly what a guest that does not exist gets");
                    }
                }
            }
        }
        assertEquals(before, byId(registry.list(umaActor)), rule.route() + ": others' calls changed uma's guests");
        for (Sample sample : samples(rule)) {
            expect(rule, UMA + ", the owner", sample, call(rule, sample, bearer(uma)), sample.allowedStatus());
        }
    }

    private void refusedToAnonymous(Rule rule, List<Sample> samples) throws IOException {
        for (Sample sample : samples) {
            expectError(rule, "anonymous", sample, call(rule, sample, null), 401);
        }
    }

    /** A browser session's writes must come from the portal's own pages, on every route, admins' too. */
    private void refusedAcrossSites(Rule rule) throws IOException {
        if (rule.who() == Who.ANYONE || !WRITES.contains(rule.method())) {
            return;
        }
        Caller caller = rule.who() == Who.GUEST_OWNER ? uma : admin;
        for (Sample sample : samples(rule)) {
            expectError(rule, caller.login() + " (session, foreign Origin)", sample, call(rule, sample,
                    new String[] {"Cookie", caller.session(), "Origin", "http://evil.example"}), 403);
        }
    }

    /** The samples of a row; on GUEST_OWNER rows they act on uma's guest that is still being created. */
    private List<Sample> samples(Rule rule) {
        return rule.samples().apply(new Stage(umasCreating.id()));
    }

    private HttpResponse<String> call(Rule rule, Sample sample, String[] credentials) {
        return client.sendBody(rule.method(), sample.path(), sample.contentType(), sample.body(),
                credentials == null ? new String[0] : credentials);
    }

    /** Revoking a token spends it, so allowed callers make every call with a token of its own. */
    private HttpResponse<String> callWithOwnToken(Rule rule, Sample sample, Caller caller) {
        return call(rule, sample, new String[] {"Authorization", "Bearer " + client.token(caller.login(), PASSWORD)});
    }

    private static String[] bearer(Caller caller) {
        return new String[] {"Authorization", "Bearer " + caller.token()};
    }

    private String[] session(Caller caller) {
        return new String[] {"Cookie", caller.session(), "Origin", client.origin()};
    }

    private static void expect(Rule rule, String who, Sample sample, HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            fail(rule.route() + " as " + who + ": " + rule.method() + " " + sample.path() + " answered "
                    + response.statusCode() + ", not " + status + ": " + response.body());
        }
    }

    private void expectError(Rule rule, String who, Sample sample, HttpResponse<String> response, int status)
            throws IOException {
        expect(rule, who, sample, response, status);
        Map<?, ?> error = json.readValue(response.body(), Map.class);
        assertEquals(status, ((Number) error.get("status")).intValue(), response.body());
        assertTrue(error.get("message") instanceof String, response.body());
    }

    /** Every route as "METHOD /template"; the router adds HEAD to every GET, which the GET's rule covers. */
    private Set<String> routes() {
        Set<String> all = router.uriRoutes().map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate())
                .collect(Collectors.toCollection(TreeSet::new));
        all.removeIf(route -> route.startsWith("HEAD ") && all.contains(route.replaceFirst("HEAD", "GET")));
        return all;
    }

    private static List<Guest> byId(List<Guest> guests) {
        return guests.stream().sorted(Comparator.comparingLong(Guest::id)).toList();
    }

    private Caller signIn(String login) {
        return new Caller(login, client.token(login, PASSWORD), client.signIn(login, PASSWORD).orElseThrow());
    }

    private final class Stage implements ApiAccessRules.Stage {
        private final long guest;

        Stage(long guest) {
            this.guest = guest;
        }

        @Override
        public long user() {
            return umaActor.id();
        }

        @Override
        public long newUser() {
            Actor adminActor = accounts.checkPassword("admin", PASSWORD).orElseThrow().actor();
            return accounts.create(adminActor, new NewUser(newLogin(), null, PASSWORD, Role.USER)).id();
        }

        @Override
        public long newImage() {
            return rows.publishImage("image-" + serial.incrementAndGet());
        }

        @Override
        public long guest() {
            return guest;
        }

        @Override
        public long newConsoleLink() {
            return consoleShares.create(umaActor, umasCreating.id(), Duration.ofMinutes(5)).id();
        }

        @Override
        public String newLogin() {
            // A test login: deleting its user runs userdel kvmp-<login>, which must never name someone else's.
            return "kvmptest-spare" + serial.incrementAndGet();
        }

        @Override
        public String credentials() {
            return "{\"login\":\"" + OTTO + "\",\"password\":\"" + PASSWORD + "\"}";
        }
    }
}
