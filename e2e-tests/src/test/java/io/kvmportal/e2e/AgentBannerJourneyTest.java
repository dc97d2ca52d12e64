package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host agent stopped under a running portal, as run.sh started both: the header of the page the admin has open
 * says so without a reload (server push), and so does the Host page; with the agent started again, both go back.
 * Screenshots land in target/screenshots.
 */
class AgentBannerJourneyTest {
    /** The link is told at once when the stream breaks, and the stream is opened again within a second. */
    private static final LocatorAssertions.IsVisibleOptions SOON = new LocatorAssertions.IsVisibleOptions()
            .setTimeout(10_000);
    private static Journey journey;

    @BeforeAll
    static void startPortalAndBrowser() throws IOException {
        journey = Journey.start();
    }

    @AfterAll
    static void stopAll() {
        if (journey != null) {
            journey.close();
        }
    }

    @Test
    void theHeaderAndTheHostPageSayTheAgentIsUnreachableUntilItIsBack() throws IOException {
        Page page = journey.signedIn("admin", PortalProcess.ADMIN_PASSWORD, "/admin/host");
        Locator banner = page.locator("#agent-unreachable");
        assertThat(new AppPage(page).signedInUser()).isVisible();
        assertThat(banner).isHidden();

        ProcessBuilder agent = journey.portal.stopAgent();
        assertThat(banner).isVisible(SOON);
        assertThat(banner).hasText(Pattern.compile("Host agent unreachable since \\d\\d:\\d\\d:\\d\\d UTC: guest "
                + "actions wait until it is back"));
        page.reload();
        assertThat(page.locator("#host-agent-unreachable")).isVisible();
        assertThat(banner).isVisible();
        Journey.screenshot(page, "agent-unreachable");

        journey.portal.startAgent(agent);
        assertThat(banner).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(10_000));
        page.reload();
        assertThat(new AppPage(page).signedInUser()).isVisible();
        assertThat(page.locator("#host-agent-unreachable")).isHidden();
        assertThat(banner).isHidden();
        journey.violations.assertNone();
    }
}
