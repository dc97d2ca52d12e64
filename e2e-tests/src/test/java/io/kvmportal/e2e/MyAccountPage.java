package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** Where a user changes their own password. */
final class MyAccountPage {
    private final Page page;

    MyAccountPage(Page page) {
        this.page = page;
    }

    void changePassword(String current, String replacement) {
        page.locator("#current-password input").fill(current);
        page.locator("#new-password input").fill(replacement);
        page.locator("#repeat-password input").fill(replacement);
        page.locator("#change-password").click();
    }

    Locator notification() {
        return page.locator("vaadin-notification-card");
    }
}
