package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in Chromium against the packaged jar, on the test guest under real QEMU (TCG here): the user opens
 * it on the guest's page, sees the guest's screen (not black), types a command that writes a marker to the serial
 * port, and the marker shows in the guest's serial log; disabling the user closes the open console and the page
 * says why.
 */
class ConsoleJourneyTest {
    private static final String LOGIN = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String PASSWORD = "console-journey-password";
    private static final String VIEWER = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private static final Pattern FIRST_ID = Pattern.compile("\"id\":(\\d+)");
    private static Journey journey;
    private static PortalProcess portal;
    private static String admin;

    @BeforeAll
    static void startPortalWithAUser() throws Exception {
        journey = Journey.startWithUsers(PASSWORD, LOGIN, VIEWER);
        portal = journey.portal;
        admin = portal.token("admin", PortalProcess.ADMIN_PASSWORD);
    }

    /**
     * Deletes the users with their guests and Linux accounts, whether the journey passed or not (PortalProcess): the
     * journey ends with the guest still running, which would otherwise outlive the portal, with its account.
     */
    @AfterAll
    static void stopAllAndRemoveTheUsers() {
        if (journey != null) {
            journey.close();
        }
    }

    @Test
    void theUserTypesIntoTheGuestsScreenAndDisablingThemClosesIt() throws Exception {
        String user = portal.token(LOGIN, PASSWORD);
        long image = firstId(portal.api("GET", "/api/v1/images", user, null, 200));
        long guest = firstId(portal.api("POST", "/api/v1/guests", user, "{\"name\":\"desk\",\"imageId\":" + image
                + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", 201));
        portal.api("POST", "/api/v1/guests/" + guest + "/actions/start", user, null, 200);
        awaitSerial(user, guest, "PORTAL-TEST-GUEST READY", Duration.ofMinutes(2));
        // The jar's manifest exports what the zero-copy path needs; a jar that lost the line would quietly copy.
        assertTrue(Files.readString(portal.log()).contains("Consoles relay busy guest screens zero-copy"),
                "the packaged portal relays busy screens zero-copy; see " + portal.log());

        // The guests list, the guest's page and its console, the shared console: all under the portal's
        // Content-Security-Policy, and none of them may trip it (journey.violations).
        Page page = journey.signedIn(LOGIN, PASSWORD, "/guests");
        page.onPageError(error -> System.out.println("browser error: " + error));
        page.waitForTimeout(1000);
        Journey.screenshot(page, "19-guests-list");
        assertThat(page.locator("[data-guest-link='desk']")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(20_000));
        page.navigate(portal.url("/guests/" + guest));
        List<String> socketUrls = new CopyOnWriteArrayList<>();
        page.onWebSocket(socket -> socketUrls.add(socket.url()));
        page.locator("#console-connect").click();
        Locator status = page.locator("#console-status");
        assertThat(status).containsText("Connected", new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        Locator canvas = page.locator("#console-screen canvas");
        awaitLitScreen(page, canvas, "the canvas shows the guest's text screen, not black");
        Journey.screenshot(page, "20-console-connected");
        // The one-time ticket travels in the handshake's subprotocol header, never in a URL.
        String screenPath = "/console/guests/" + guest + "/vnc";
        assertTrue(socketUrls.stream().anyMatch(url -> url.contains(screenPath)), socketUrls.toString());
        assertTrue(socketUrls.stream().noneMatch(url -> url.contains("token") || url.contains("kvmc_")),
                socketUrls.toString());

        String marker = "MARK-" + UUID.randomUUID().toString().substring(0, 8);
        canvas.click();
        typeAsAPerson(page, "echo " + marker + " > /dev/ttyS0");
        page.keyboard().press("Enter");
        page.waitForTimeout(2000);
        Journey.screenshot(page, "21-console-typed");
        awaitSerial(user, guest, marker, Duration.ofSeconds(60));

        // A view-only link: another user sees the screen, and their keys never reach the guest.
        String link = portal.api("POST", "/api/v1/guests/" + guest + "/console/links", user, "{\"minutes\":15}", 201);
        Matcher path = Pattern.compile("\"path\":\"([^\"]+)\"").matcher(link);
        assertTrue(path.find(), link);
        Page viewer = journey.signedIn(VIEWER, PASSWORD, path.group(1));
        Locator viewerStatus = viewer.locator("#console-status");
        assertThat(viewerStatus).containsText("view only", new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        Locator viewerCanvas = viewer.locator("#console-screen canvas");
        awaitLitScreen(viewer, viewerCanvas, "the viewer sees the guest's screen");
        String ignored = "VIEWER-" + UUID.randomUUID().toString().substring(0, 8);
        viewerCanvas.click();
        typeAsAPerson(viewer, "echo " + ignored + " > /dev/ttyS0");
        viewer.keyboard().press("Enter");
        Journey.screenshot(viewer, "22-console-view-only");
        viewer.waitForTimeout(5000);
        String serial = portal.api("GET", "/api/v1/guests/" + guest + "/serial", user, null, 200);
        assertTrue(!serial.contains(ignored), "the viewer's keys reached the guest: " + serial);
        long linkId = firstId(link);
        portal.api("DELETE", "/api/v1/guests/" + guest + "/console/links/" + linkId, user, null, 204);
        assertThat(viewerStatus).containsText("The owner revoked this link",
                new LocatorAssertions.ContainsTextOptions().setTimeout(5_000));
        viewer.context().close();

        long userId = firstId(portal.api("GET", "/api/v1/admin/users", admin, null, 200)
                .replaceAll("(?s).*?(\\{[^{}]*\"login\":\"" + LOGIN + "\"[^{}]*}).*", "$1"));
        portal.api("PATCH", "/api/v1/admin/users/" + userId, admin, "{\"enabled\":false}", 200);
        assertThat(status).containsText("Your account was disabled",
                new LocatorAssertions.ContainsTextOptions().setTimeout(5_000));
        Journey.screenshot(page, "23-console-closed-by-disable");
        page.context().close();
        journey.violations.assertNone();
    }

    /**
     * Types as a person does, holding Shift for capitals and '>'. noVNC sends QEMU the keys' scan codes (what a
     * keyboard sends), and Playwright's type() alone presses no Shift: "M" would arrive as "m", ">" as ".".
     */
    private static void typeAsAPerson(Page page, String text) {
        for (char c : text.toCharArray()) {
            if (Character.isUpperCase(c)) {
                page.keyboard().press("Shift+Key" + c);
            } else if (c == '>') {
                page.keyboard().press("Shift+Period");
            } else {
                page.keyboard().type(String.valueOf(c));
            }
        }
    }

    /** Waits (on a busy machine the first framebuffer update can take seconds) for the canvas to show text. */
    private static void awaitLitScreen(Page page, Locator canvas, String what) throws IOException {
        assertThat(canvas).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
        int lit = 0;
        for (int attempt = 0; attempt < 30 && lit <= 500; attempt++) {
            page.waitForTimeout(1000);
            lit = litPixels(canvas.screenshot());
        }
        assertTrue(lit > 500, what + " (" + lit + " lit pixels)");
    }

    /** Pixels brighter than the black background, in a PNG of the canvas. */
    private static int litPixels(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int lit = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) > 200) {
                    lit++;
                }
            }
        }
        return lit;
    }

    private static void awaitSerial(String token, long guest, String text, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String seen = "";
        while (Instant.now().isBefore(deadline)) {
            seen = portal.api("GET", "/api/v1/guests/" + guest + "/serial", token, null, 200);
            if (seen.contains(text)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the serial log never showed " + text + "; last read: " + seen);
    }

    private static long firstId(String json) {
        Matcher id = FIRST_ID.matcher(json);
        assertTrue(id.find(), json);
        return Long.parseLong(id.group(1));
    }
}
