package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.kvmportal.e2e.PortalRoutes.ViewRoute;
import io.kvmportal.e2e.ViewAccessRules.Rule;
import io.kvmportal.e2e.ViewAccessRules.Who;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * anonymous visitor (the sign-in view instead), a plain user (admin views do not exist for them) and an admin.
 * The access check runs on navigation, so only a browser shows what a visitor really gets. The views come
 * from the jar's {@code @Route} classes, so a new view without a row fails here.
 */
class ViewAccessJourneyTest {
    private static final String USER = "viewer";
    private static final String BYSTANDER = "bystander";
    private static final String PASSWORD = "view-access-password";
    private static Journey journey;
    private static Map<String, ViewRoute> routes;
    private static BrowserContext anonymous;
    private static BrowserContext user;
    private static BrowserContext admin;

    @BeforeAll
    static void startPortalWithAUser() throws Exception {
        journey = Journey.start();
        routes = PortalRoutes.of(Path.of(System.getProperty("portal.jar", "../ui/target/kvm-portal.jar"))).stream()
                .collect(Collectors.toMap(ViewRoute::path, Function.identity()));
        String adminToken = journey.portal.token("admin", PortalProcess.ADMIN_PASSWORD);
        for (String login : List.of(USER, BYSTANDER)) {
            journey.portal.api("POST", "/api/v1/admin/users", adminToken, "{\"login\":\"" + login
                    + "\",\"password\":\"" + PASSWORD + "\"}", 201);
        }
        journey.portal.token(BYSTANDER, PASSWORD);
        anonymous = context();
        user = signedIn(USER, PASSWORD);
        admin = signedIn("admin", PortalProcess.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stopAll() {
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
                "No access rule for the view " + route.view() + " at '" + route.path() + "': add a row to "
                        + "ViewAccessRules.RULES saying who may open it (SIGNED_OUT, SIGNED_IN or ADMIN)."));
        rules.keySet().stream().filter(path -> !routes.containsKey(path)).forEach(path -> problems.add(
                "ViewAccessRules has a row for '" + path + "', but the portal has no view there."));
        routes.values().stream().filter(route -> rules.containsKey(route.path()))
                .filter(route -> route.parameterised() && rules.get(route.path()).visit().equals(route.path()))
                .forEach(route -> problems.add("The view at '" + route.path() + "' takes URL parameters: give its"
                        + " row a concrete path to visit."));
        routes.values().stream().filter(route -> route.pageTitle() == null).forEach(route -> problems.add(
                "The view " + route.view() + " has no @PageTitle, by which this test recognises it."));
        assertEquals(ViewAccessRules.RULES.size(), rules.size(), "one row per view");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @TestFactory
    Stream<DynamicTest> everyViewOpensOnlyForWhoMaySeeIt() {
        return ViewAccessRules.RULES.stream().filter(rule -> routes.containsKey(rule.path()))
                .map(rule -> DynamicTest.dynamicTest(rule.path() + " (" + rule.who() + ")", () -> check(rule)));
    }

    /** The audit view shows a user the entries about them and their guests, and nobody else's. */
    @Test
    void theAuditViewShowsAUserOnlyTheirOwnEntries() {
        Page seenByAdmin = open(admin, "/audit");
        assertThat(auditCell(seenByAdmin, BYSTANDER).first()).isVisible();
        Page seenByUser = open(user, "/audit");
        assertThat(auditCell(seenByUser, USER).first()).isVisible();
        assertThat(auditCell(seenByUser, BYSTANDER)).hasCount(0);
        Journey.screenshot(seenByUser, "21-audit-as-user");
        seenByAdmin.close();
        seenByUser.close();
    }

    private void check(Rule rule) {
        ViewRoute view = routes.get(rule.path());
        String signInTitle = signInView().pageTitle();
        String overviewTitle = routes.get("/").pageTitle();

        Page page = open(anonymous, rule.visit());
        assertThat(page.locator("vaadin-login-form")).isVisible();
        assertThat(page).hasTitle(signInTitle);
        page.close();

        for (BrowserContext signedIn : List.of(user, admin)) {
            boolean isAdmin = signedIn == admin;
            page = open(signedIn, rule.visit());
            assertThat(page.locator("#signed-in-user")).isVisible();
            if (rule.who() == Who.SIGNED_OUT) {
                // Forwarded on the server: the overview shows, while the address bar may keep /login.
                assertThat(page).hasTitle(overviewTitle);
                assertThat(page.locator("vaadin-login-form")).hasCount(0);
            } else if (rule.who() == Who.ADMIN && !isAdmin) {
                assertThat(page.locator("#not-found")).isVisible();
                assertTrue(!view.pageTitle().equals(page.title()), rule.path() + " must not open for a plain user");
                Journey.screenshot(page, "20-refused" + rule.path().replace('/', '-'));
            } else {
                assertThat(page).hasTitle(view.pageTitle());
                assertEquals(rule.visit(), URI.create(page.url()).getPath());
                assertThat(page.locator("#not-found")).hasCount(0);
            }
            page.close();
        }
    }

    /** An address that leads nowhere gets the same page as a view one may not open. */
    @Test
    void anAddressThatLeadsNowhereIsNotFoundInsideThePortal() {
        Page page = open(user, "/no/such/page");
        assertThat(page.locator("#not-found")).isVisible();
        assertThat(page.getByText("There is no page at /no/such/page.")).isVisible();
        assertThat(page.locator("#signed-in-user")).isVisible();
        page.close();
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
        return journey.browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
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
