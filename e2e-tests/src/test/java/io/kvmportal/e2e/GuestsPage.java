package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** "My guests": the grid of the user's guests, the new-guest dialog and each row's actions. */
final class GuestsPage {
    private final Page page;

    GuestsPage(Page page) {
        this.page = page;
    }

    void create(String name, int memoryMib) {
        page.locator("#new-guest").click();
        page.locator("#new-guest-name input").fill(name);
        page.locator("#new-guest-memory input").fill(Integer.toString(memoryMib));
        page.locator("#new-guest-create").click();
    }

    Locator state(String guest) {
        return page.locator("[data-guest-state='" + guest + "']");
    }

    Locator processOf(String text) {
        return page.locator("vaadin-grid-cell-content", new Page.LocatorOptions().setHasText(text));
    }

    void act(String guest, String action) {
        page.locator("[data-guest='" + guest + "'] vaadin-button", new Page.LocatorOptions().setHasText(action))
                .click();
    }

    /** Opens the guest's own page from its name in the list. */
    GuestPage open(String guest) {
        page.locator("[data-guest-link='" + guest + "']").click();
        return new GuestPage(page);
    }

    void confirm(String button) {
        page.locator("vaadin-confirm-dialog-overlay vaadin-button", new Page.LocatorOptions().setHasText(button))
                .click();
    }
}
