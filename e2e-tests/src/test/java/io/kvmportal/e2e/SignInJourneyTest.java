package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.testing.ForeignAccount;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.KvmHostKind;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
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
 * admin creating a user, that user changing their password, and the admin deleting a user whose Linux account the
 * portal did not create. Screenshots land in target/screenshots.
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
        context = journey.newContext(1280, 800);
        page = context.newPage();
    }

    @AfterEach
    void closeSession() {
        context.close();
        journey.violations.assertNone();
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
        assertThePolicyBlocksInjectedScript();
    }

    /** What a smuggled {@code <script>} meets: the page's policy refuses to run it, and the journeys hear of it. */
    private void assertThePolicyBlocksInjectedScript() {
        journey.violations.assertNone();
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.kvmpInjected = 1';"
                + " document.head.appendChild(s); }");
        page.waitForTimeout(500);
        assertEquals(null, page.evaluate("() => window.kvmpInjected"), "an injected inline script ran");
        List<String> seen = journey.violations.take();
        assertTrue(seen.size() == 1 && seen.get(0).contains("script-src"), seen.toString());
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

    /**
     * A sign-in refused for a while (too many failures from one network, or too many sign-ins at once) says so and
     * how long to wait: the web shell redirects to these addresses (ApiContract checks the redirect itself).
     */
    @Test
    @Order(2)
    void aRefusalForAWhileSaysWhyAndHowLongToWait() {
        page.navigate(portal.url("/login?error=address_throttled&wait=42"));
        LoginPage login = new LoginPage(page);
        assertThat(login.error("Too many failed sign-ins from your network.")).isVisible();
        assertThat(login.form()).containsText("Retry in 42 s.");
        screenshot("02-address-throttled");
        page.navigate(portal.url("/login?error=busy&wait=1"));
        assertThat(login.error("The portal is busy.")).isVisible();
        assertThat(login.form()).containsText("so yours was not checked. Retry in 1 s.");
        page.navigate(portal.url("/login?error=throttled&wait=<script>"));
        assertThat(login.form()).containsText("Retry in a minute.");
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
        assertThat(page.locator("#quota-save")).isHidden(); // the dialog has faded out
        screenshot("04-users");
        app.open("Host");
        assertHostPageSaysWhatThisHostIs();
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

    /**
     * A Linux account of the new user's name was already there (an administrator's, another portal's): the portal
     * uses it, but deleting the user leaves it, and the admin reads that in the notification, not only in the audit.
     */
    @Test
    @Order(5)
    void deletingAUserWhoseLinuxAccountThePortalDidNotCreateSaysItStayed() throws Exception {
        String login = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
        LinuxAccountName account = LinuxAccountName.forLogin(login);
        try {
            ForeignAccount.create(account, null);
            String admin = portal.token("admin", PortalProcess.ADMIN_PASSWORD);
            portal.createUser(admin, login, "left-account-password");
            page.navigate(portal.url("/"));
            new LoginPage(page).signIn("admin", PortalProcess.ADMIN_PASSWORD);
            new AppPage(page).open("Users");
            UsersPage users = new UsersPage(page);
            users.delete(login);
            assertThat(users.notification().last()).containsText("Deleted " + login + ". The Linux account "
                    + account + " and its /dev/kvm entry were left in place: it does not carry this portal's mark");
            page.waitForTimeout(500); // the notification's opening animation
            screenshot("09-user-deleted-account-left");
            assertThat(users.actions(login)).isHidden();
            assertTrue(LinuxAccounts.lookup(account).isPresent(), "the account the portal did not create stays");
        } finally {
            HostLeftovers.removeAccountOf(login);
        }
    }

    /**
     * The Host page names the accelerator and why, as the kind of host this test finds for itself calls for: KVM
     * with /dev/kvm that runs stock guests, TCG in words that say it is emulation on the nested PVM device or
     * without /dev/kvm (the portal runs as root, so no permission is never the reason here).
     */
    private void assertHostPageSaysWhatThisHostIs() {
        KvmHostKind kind = KvmHostKind.observed();
        String tcg = ", so guests run under TCG (emulation, slower)";
        assertThat(page.locator("#host-accelerator")).hasText(kind == KvmHostKind.KVM ? "KVM" : "TCG");
        assertThat(page.locator("#host-accelerator-reason")).hasText(switch (kind) {
            case NO_DEVICE -> "no /dev/kvm on this host" + tcg;
            case PVM -> "/dev/kvm is a nested PVM device (kvm_pvm), which cannot run stock kernels" + tcg;
            case KVM -> "/dev/kvm usable (API 12)";
        });
        assertThat(page.locator("#host-kvm")).hasText(kind == KvmHostKind.NO_DEVICE
                ? Pattern.compile("^no /dev/kvm on this host \\(.+\\)$") : Pattern.compile("^/dev/kvm: API 12, "));
    }

    private void screenshot(String name) {
        Journey.screenshot(page, name);
    }
}
