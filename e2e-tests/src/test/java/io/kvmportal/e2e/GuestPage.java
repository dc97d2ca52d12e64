package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** One guest's page: its state, actions, process figures and screen thumbnail. */
final class GuestPage {
    private final Page page;

    GuestPage(Page page) {
        this.page = page;
    }

    Locator name() {
        return page.locator("#guest-name");
    }

    Locator state(String guest) {
        return page.locator("[data-guest-state='" + guest + "']");
    }

    void act(String action) {
        page.locator("#guest-actions vaadin-button", new Page.LocatorOptions().setHasText(action)).click();
    }

    Locator figure(String id) {
        return page.locator("#guest-" + id);
    }

    Locator screen() {
        return page.locator("#guest-screen");
    }

    void rename(String to) {
        page.locator("#guest-rename").click();
        page.locator("#guest-new-name input").fill(to);
        page.locator("#guest-rename-save").click();
    }

    void confirm(String button) {
        page.locator("vaadin-confirm-dialog-overlay vaadin-button", new Page.LocatorOptions().setHasText(button))
                .click();
    }
}
