package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The first minutes of a new portal, in Chromium against the packaged jar: the login, a wrong password, the
 * admin creating a user, and that user changing their password. Screenshots land in target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInJourneyTest {
    private static Journey journey;
    private static PortalProcess portal;
    private BrowserContext context;
    private Page page;

    @BeforeAll
    static void startPortalAndBrowser() throws IOException {
        journey = Journey.start();
        portal = journey.portal;
    }

    @AfterAll
    static void stopAll() {
        if (journey != null) {
            journey.close();
        }
    }

    @BeforeEach
    void freshBrowserSession() {
        context = journey.browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        page = context.newPage();
    }

    @AfterEach
    void closeSession() {
        context.close();
    }

    @Test
    @Order(1)
    void anAnonymousVisitorLandsOnTheLogin() {
        page.navigate(portal.url("/"));
        LoginPage login = new LoginPage(page);
        assertThat(login.form()).isVisible();
        page.navigate(portal.url("/admin/users"));
        assertThat(login.form()).isVisible();
        screenshot("01-login");
    }

    @Test
    @Order(2)
    void aWrongPasswordShowsAnErrorThatNamesNeitherField() {
        page.navigate(portal.url("/login"));
        LoginPage login = new LoginPage(page);
        login.signIn("admin", "not-the-password");
        assertThat(login.error("Wrong login name or password.")).isVisible();
        assertThat(login.form()).isVisible();
        screenshot("02-wrong-password");
    }

    @Test
    @Order(3)
    void theAdminCreatesAUserAndSignsOut() {
        page.navigate(portal.url("/"));
        new LoginPage(page).signIn("admin", PortalProcess.ADMIN_PASSWORD);
        AppPage app = new AppPage(page);
        assertThat(app.signedInUser()).containsText("Administrator");
        screenshot("03-admin-overview");
        app.open("Users");
        UsersPage users = new UsersPage(page);
        assertThat(users.cell("admin").first()).isVisible();
        users.createUser("alice", "Alice Example", "alice-first-password");
        assertThat(users.notification()).containsText("Created alice.");
        assertThat(users.cell("Alice Example")).isVisible();
        assertThat(users.cell("kvmp-alice")).isVisible();
        users.setGuestQuota("alice", 3);
        assertThat(users.notification().last()).containsText("Saved the quota of alice.");
        screenshot("04-users");
        app.open("Host");
        assertThat(page.locator("#host-accelerator")).hasText(Pattern.compile("KVM|TCG"));
        screenshot("08-host");
        app.open("Audit log");
        assertThat(users.cell("USER_CREATED").first()).isVisible();
        assertThat(users.cell("refused").first()).isVisible();
        screenshot("06-audit");
        app.signOut();
        assertThat(new LoginPage(page).form()).isVisible();
    }

    @Test
    @Order(4)
    void theNewUserChangesTheirPasswordAndSignsInWithIt() {
        page.navigate(portal.url("/"));
        LoginPage login = new LoginPage(page);
        login.signIn("alice", "alice-first-password");
        AppPage app = new AppPage(page);
        assertThat(app.signedInUser()).containsText("Alice Example");
        assertThat(app.navigation("Users")).hasCount(0);
        assertThat(page.locator("[data-quota='Guests']")).containsText("0 of 3");
        screenshot("05-user-overview");
        app.open("My account");
        MyAccountPage account = new MyAccountPage(page);
        account.changePassword("alice-first-password", "alice-second-password");
        assertThat(account.notification()).containsText("Your password is changed");
        screenshot("07-my-account");
        app.signOut();

        login.signIn("alice", "alice-first-password");
        assertThat(login.error("Wrong login name or password.")).isVisible();
        login.signIn("alice", "alice-second-password");
        assertThat(app.signedInUser()).containsText("Alice Example");
    }

    private void screenshot(String name) {
        Journey.screenshot(page, name);
    }
}
