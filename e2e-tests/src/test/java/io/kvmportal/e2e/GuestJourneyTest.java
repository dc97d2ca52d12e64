package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's first guest, in Chromium against the packaged jar with real QEMU (TCG here): created from the demo
 * image, started, seen running with its process figures and screen, paused and resumed, shut down, deleted.
 */
class GuestJourneyTest {
    private static final String LOGIN = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String PASSWORD = "guest-journey-password";
    private static final String LIMITED = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static Journey journey;
    private static PortalProcess portal;

    @BeforeAll
    static void startPortalWithAUser() throws Exception {
        journey = Journey.startWithUsers(PASSWORD, LOGIN, LIMITED);
        portal = journey.portal;
    }

    /** Deletes the users with their guests and Linux accounts, whether the journey passed or not (PortalProcess). */
    @AfterAll
    static void stopAllAndRemoveTheUsers() {
        if (journey != null) {
            journey.close();
        }
    }

    @Test
    void aUserCreatesStartsUsesStopsAndDeletesAGuest() {
        Page page = journey.signedIn(LOGIN, PASSWORD, "/guests");
        GuestsPage guests = new GuestsPage(page);
        guests.create("web-1", 128);
        assertThat(guests.state("web-1")).hasText("stopped");

        // No reload and no polling: every state change below reaches the page by server push.
        guests.act("web-1", "Start");
        assertThat(guests.state("web-1")).hasText("running", slow(30));
        assertThat(guests.processOf("pid ")).containsText("MiB");
        GuestPage guest = guests.open("web-1");
        assertThat(guest.name()).hasText("web-1");
        assertThat(guest.figure("pid")).hasText(Pattern.compile("\\d+"));
        assertThat(guest.figure("rss")).containsText("MiB");
        assertThat(guest.screen()).isVisible();
        assertThat(guest.figure("serial")).containsText("PORTAL-TEST-GUEST READY", slowText(60));
        page.waitForTimeout(5000); // the next thumbnail (every 5 s) shows the banner too
        Journey.screenshot(page, "10-guest-page-running");

        Page admin = journey.signedIn("admin", PortalProcess.ADMIN_PASSWORD, "/admin/host");
        assertThat(admin.locator("#host-processes")).containsText("kvmp-" + LOGIN);
        assertThat(admin.locator("#host-processes")).containsText("web-1");
        Journey.screenshot(admin, "11-host-processes");
        admin.context().close();

        guest.act("Pause");
        assertThat(guest.state("web-1")).hasText("paused");
        guest.act("Resume");
        assertThat(guest.state("web-1")).hasText("running");
        guest.rename("web-one");
        assertThat(guest.name()).hasText("web-one");

        guest.act("Shut down");
        assertThat(guest.state("web-one")).hasText("stopped", slow(90));
        assertThat(guest.figure("pid")).isHidden();
        guest.act("Delete");
        guest.confirm("Delete");
        assertThat(page.locator("vaadin-notification-card").last()).containsText("Deleted web-one.");
        page.waitForURL("**/guests");
        assertThat(guests.state("web-one")).isHidden();
        Journey.screenshot(page, "12-guest-deleted");
        page.context().close();
    }

    @Test
    void aUserOverQuotaSeesTheRefusalAndSucceedsOnceTheAdminRaisesIt() {
        Page admin = journey.signedIn("admin", PortalProcess.ADMIN_PASSWORD, "/admin/users");
        UsersPage users = new UsersPage(admin);
        users.setGuestQuota(LIMITED, 1);
        assertThat(users.notification().last()).containsText("Saved the quota of " + LIMITED);

        Page page = journey.signedIn(LIMITED, PASSWORD, "/guests");
        GuestsPage guests = new GuestsPage(page);
        guests.create("first", 128);
        assertThat(guests.state("first")).hasText("stopped");
        guests.create("second", 128);
        assertThat(page.locator("vaadin-notification-card").last()).containsText("Over quota: guests 1 in use");
        assertThat(page.locator("[data-quota='Guests']")).containsText("1 of 1");
        Journey.screenshot(page, "13-over-quota");

        users.setGuestQuota(LIMITED, 2);
        page.locator("#new-guest-create").click();
        assertThat(guests.state("second")).hasText("stopped");
        assertThat(page.locator("[data-quota='Guests']")).containsText("2 of 2");
        admin.reload();
        assertThat(users.cell("2 (0) of 2 (2)")).isVisible();
        Journey.screenshot(admin, "14-users-with-usage");
        admin.context().close();
        page.context().close();
    }

    private static LocatorAssertions.ContainsTextOptions slowText(int seconds) {
        return new LocatorAssertions.ContainsTextOptions().setTimeout(seconds * 1000.0);
    }

    private static LocatorAssertions.HasTextOptions slow(int seconds) {
        return new LocatorAssertions.HasTextOptions().setTimeout(seconds * 1000.0);
    }
}
