package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.kvmportal.e2e.PortalRoutes.ViewRoute;
import io.kvmportal.e2e.ViewAccessRules.Rule;
import io.kvmportal.e2e.ViewAccessRules.Who;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every view of the packaged portal against its row in {@link ViewAccessRules}, in Chromium: opened by URL as an
 * anonymous visitor (the sign-in view instead), a plain user who owns a guest, another plain user and an admin
 * (admin views and other users' guests do not exist for those who may not see them). The access check runs on
 * navigation, so only a browser shows what a visitor really gets. The views come from the jar's {@code @Route}
 * classes, so a new view without a row fails here.
 */
class ViewAccessJourneyTest {
    /** The owner of a guest: the portal makes a Linux account for it, removed with the user afterwards. */
    private static final String USER = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String BYSTANDER = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String PASSWORD = "view-access-password";
    private static Journey journey;
    private static Map<String, ViewRoute> routes;
    private static long usersGuest;
    private static BrowserContext anonymous;
    private static BrowserContext user;
    private static BrowserContext bystander;
    private static BrowserContext admin;

    @BeforeAll
    static void startPortalWithAUserAndTheirGuest() throws Exception {
        journey = Journey.startWithUsers(PASSWORD, USER, BYSTANDER);
        routes = PortalRoutes.of(Path.of(System.getProperty("portal.jar", "../ui/target/kvm-portal.jar"))).stream()
                .collect(Collectors.toMap(ViewRoute::path, Function.identity()));
        PortalProcess portal = journey.portal;
        String adminToken = portal.token("admin", PortalProcess.ADMIN_PASSWORD);
        long image = portal.awaitImages(adminToken, Duration.ofMinutes(5));
        usersGuest = PortalProcess.id(portal.api("POST", "/api/v1/guests", portal.token(USER, PASSWORD),
                "{\"name\":\"owned-1\",\"imageId\":" + image + ",\"vcpus\":1,\"memoryMib\":128,"
                        + "\"diskGib\":1}", 201));
        portal.token(BYSTANDER, PASSWORD);
        anonymous = context();
        user = signedIn(USER, PASSWORD);
        bystander = signedIn(BYSTANDER, PASSWORD);
        admin = signedIn("admin", PortalProcess.ADMIN_PASSWORD);
    }

    /** Deletes the users with their guests and Linux accounts, whether the journey passed or not (PortalProcess). */
    @AfterAll
    static void stopAllAndRemoveTheUsers() {
        if (journey != null) {
            journey.close();
        }
    }

    @Test
    void everyViewHasARule() {
        Map<String, Rule> rules = ViewAccessRules.RULES.stream().collect(Collectors.toMap(Rule::path,
                Function.identity()));
        List<String> problems = new ArrayList<>();
        routes.values().stream().filter(route -> !rules.containsKey(route.path())).forEach(route -> problems.add(
                "No access rule for the view " + route.view() + " at '" + route.path() + "': add a row to"
                        + " ViewAccessRules.RULES saying who may open it (SIGNED_OUT, SIGNED_IN, ADMIN or"
                        + " GUEST_OWNER)."));
        rules.keySet().stream().filter(path -> !routes.containsKey(path)).forEach(path -> problems.add(
                "ViewAccessRules has a row for '" + path + "', but the portal has no view there."));
        routes.values().stream().filter(route -> rules.containsKey(route.path()))
                .filter(route -> route.parameterised() && rules.get(route.path()).visit().equals(route.path()))
                .forEach(route -> problems.add("The view at '" + route.path() + "' takes URL parameters: give its"
                        + " row a concrete path to visit."));
        assertEquals(ViewAccessRules.RULES.size(), rules.size(), "one row per view");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @TestFactory
    Stream<DynamicTest> everyViewOpensOnlyForWhoMaySeeIt() {
        return ViewAccessRules.RULES.stream().filter(rule -> routes.containsKey(rule.path()))
                .map(rule -> DynamicTest.dynamicTest(rule.path() + " (" + rule.who() + ")", () -> check(rule)));
    }

    /** The audit view shows a user the entries about them and their guests, and nobody else's; an admin all. */
    @Test
    void theAuditViewShowsAUserOnlyTheirOwnEntries() {
        Page seenByAdmin = open(admin, "/audit");
        assertThat(auditCell(seenByAdmin, BYSTANDER).first()).isVisible();
        assertThat(auditCell(seenByAdmin, "owned-1").first()).isVisible();
        seenByAdmin.close();
        Page seenByOwner = open(user, "/audit");
        assertThat(auditCell(seenByOwner, "owned-1").first()).isVisible();
        assertThat(auditCell(seenByOwner, BYSTANDER)).hasCount(0);
        seenByOwner.close();
        Page seenByBystander = open(bystander, "/audit");
        assertThat(auditCell(seenByBystander, BYSTANDER).first()).isVisible();
        assertThat(auditCell(seenByBystander, USER)).hasCount(0);
        assertThat(auditCell(seenByBystander, "owned-1")).hasCount(0);
        Journey.screenshot(seenByBystander, "21-audit-as-user");
        seenByBystander.close();
    }

    private void check(Rule rule) {
        ViewRoute view = routes.get(rule.path());
        String visit = rule.visit().replace(ViewAccessRules.GUEST, Long.toString(usersGuest));
        Page page = open(anonymous, visit);
        assertThat(page.locator("vaadin-login-form")).isVisible();
        assertThat(page).hasTitle(signInView().pageTitle());
        page.close();
        for (BrowserContext visitor : List.of(user, bystander, admin)) {
            page = open(visitor, visit);
            assertThat(page.locator("#signed-in-user")).isVisible();
            if (rule.who() == Who.SIGNED_OUT) {
                // Forwarded on the server: the overview shows, while the address bar may keep /login.
                assertThat(page).hasTitle(routes.get("/").pageTitle());
                assertThat(page.locator("vaadin-login-form")).hasCount(0);
            } else if (mayOpen(rule.who(), visitor)) {
                assertThat(page.locator("#not-found")).hasCount(0);
                if (view.pageTitle() != null) {
                    assertThat(page).hasTitle(view.pageTitle());
                }
                assertEquals(visit, URI.create(page.url()).getPath());
            } else {
                assertThat(page.locator("#not-found")).isVisible();
                assertTrue(view.pageTitle() == null || !view.pageTitle().equals(page.title()), visit
                        + " must not open for this visitor");
                Journey.screenshot(page, "20-refused-" + name(visitor) + visit.replaceAll("[^a-z0-9]+", "-"));
            }
            page.close();
        }
        journey.violations.assertNone();
    }

    private static String name(BrowserContext visitor) {
        return visitor == user ? "user" : visitor == bystander ? "bystander" : "admin";
    }

    private static boolean mayOpen(Who who, BrowserContext visitor) {
        return switch (who) {
            case SIGNED_OUT -> false;
            case SIGNED_IN -> true;
            case ADMIN -> visitor == admin;
            case GUEST_OWNER -> visitor == user;
        };
    }

    /** Another user's guest is not found, word for word as a guest that does not exist. */
    @Test
    void anotherUsersGuestIsNotFoundLikeAMissingOne() {
        Page theirs = open(bystander, "/guests/" + usersGuest);
        Page missing = open(bystander, "/guests/" + (usersGuest + 1000));
        assertThat(theirs.locator("#not-found")).isVisible();
        assertThat(missing.locator("#not-found")).isVisible();
        assertEquals(missing.locator("#not-found-message").textContent().replace(Long.toString(usersGuest + 1000),
                Long.toString(usersGuest)), theirs.locator("#not-found-message").textContent());
        assertThat(theirs.getByText("owned-1")).hasCount(0);
        theirs.close();
        missing.close();
    }

    /** An address that leads nowhere gets the very page of a view one may not open: nothing tells them apart. */
    @Test
    void anAddressThatLeadsNowhereIsNotFoundInsideThePortal() {
        Page nowhere = open(user, "/no/such/page");
        assertThat(nowhere.locator("#not-found")).isVisible();
        assertThat(nowhere.locator("#not-found-message")).hasText("There is no page at /no/such/page.");
        assertThat(nowhere.locator("#signed-in-user")).isVisible();
        Journey.screenshot(nowhere, "22-not-found");
        Page adminView = open(user, "/admin/users");
        assertThat(adminView.locator("#not-found-message")).hasText("There is no page at /admin/users.");
        assertEquals(nowhere.title(), adminView.title());
        nowhere.close();
        adminView.close();
    }

    private static ViewRoute signInView() {
        return ViewAccessRules.RULES.stream().filter(rule -> rule.who() == Who.SIGNED_OUT)
                .map(rule -> routes.get(rule.path())).findFirst().orElseThrow();
    }

    private static Locator auditCell(Page page, String text) {
        return page.locator("#audit vaadin-grid-cell-content", new Page.LocatorOptions().setHasText(text));
    }

    private static Page open(BrowserContext context, String path) {
        Page page = context.newPage();
        page.navigate(journey.portal.url(path));
        return page;
    }

    private static BrowserContext context() {
        return journey.newContext(1280, 800);
    }

    private static BrowserContext signedIn(String login, String password) {
        BrowserContext context = context();
        Page page = context.newPage();
        page.navigate(journey.portal.url("/login"));
        new LoginPage(page).signIn(login, password);
        assertThat(page.locator("#signed-in-user")).isVisible();
        page.close();
        return context;
    }
}
