package io.kvmportal.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every journey needs once per class: the packaged portal in a child process and Debian's Chromium
 * (Playwright's driver is large, so one per class). Close it in {@code @AfterAll}.
 */
final class Journey implements AutoCloseable {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    final PortalProcess portal;
    private final Playwright playwright;
    final Browser browser;
    /** What the portal's Content-Security-Policy blocked in this journey's contexts; tests assert there is none. */
    final PolicyViolations violations = new PolicyViolations();

    private Journey(PortalProcess portal, Playwright playwright, Browser browser) {
        this.portal = portal;
        this.playwright = playwright;
        this.browser = browser;
    }

    static Journey start() throws IOException {
        PortalProcess portal = PortalProcess.start();
        Playwright playwright = null;
        try {
            playwright = Playwright.create();
            return new Journey(portal, playwright, Browsers.chromium(playwright));
        } catch (RuntimeException e) {
            if (playwright != null) {
                playwright.close();
            }
            try {
                portal.close();
            } catch (RuntimeException alsoLeft) {
                e.addSuppressed(alsoLeft);
            }
            throw e;
        }
    }

    /**
     * {@link #start} with these users (one password for all) and the demo image published, which guests need.
     * A failure on the way closes what was started, since the caller has nothing to close yet.
     */
    static Journey startWithUsers(String password, String... logins) throws IOException, InterruptedException {
        Journey journey = start();
        try {
            String admin = journey.portal.token("admin", PortalProcess.ADMIN_PASSWORD);
            for (String login : logins) {
                journey.portal.createUser(admin, login, password);
            }
            journey.portal.awaitImages(admin, Duration.ofMinutes(5));
            return journey;
        } catch (IOException | InterruptedException | RuntimeException e) {
            journey.close();
            throw e;
        }
    }

    /** A fresh browser session (its own cookies) signed in as {@code login}, showing {@code path}. */
    Page signedIn(String login, String password, String path) {
        Page page = newContext(1400, 860).newPage();
        page.navigate(portal.url(path));
        new LoginPage(page).signIn(login, password);
        page.navigate(portal.url(path));
        return page;
    }

    /** A fresh browser session whose Content-Security-Policy violations are collected in {@link #violations}. */
    BrowserContext newContext(int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        violations.watch(context);
        return context;
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            portal.close();
        }
    }
}
