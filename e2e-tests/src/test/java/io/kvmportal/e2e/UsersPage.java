package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** The admin's user list and its new-user dialog. */
final class UsersPage {
    private final Page page;

    UsersPage(Page page) {
        this.page = page;
    }

    void createUser(String login, String displayName, String password) {
        page.locator("#new-user").click();
        page.locator("#new-user-login input").fill(login);
        page.locator("#new-user-display-name input").fill(displayName);
        page.locator("#new-user-password input").fill(password);
        page.locator("#new-user-create").click();
    }

    void setGuestQuota(String login, int guests) {
        page.locator("[data-login='" + login + "'] vaadin-button", new Page.LocatorOptions().setHasText("Quota"))
                .click();
        page.locator("#quota-guests input").fill(Integer.toString(guests));
        page.locator("#quota-save").click();
    }

    /** The buttons of the user's row: gone with the user (the grid keeps hidden cells of removed rows). */
    Locator actions(String login) {
        return page.locator("[data-login='" + login + "']");
    }

    void delete(String login) {
        actions(login).locator("vaadin-button", new Locator.LocatorOptions().setHasText("Delete")).click();
        page.locator("vaadin-confirm-dialog-overlay vaadin-button", new Page.LocatorOptions().setHasText("Delete"))
                .click();
    }

    Locator cell(String text) {
        return page.locator("vaadin-grid-cell-content", new Page.LocatorOptions().setHasText(text));
    }

    Locator notification() {
        return page.locator("vaadin-notification-card");
    }
}
