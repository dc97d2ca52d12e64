package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** What every signed-in page has: the navigation, the signed-in user, and sign-out. */
final class AppPage {
    private final Page page;

    AppPage(Page page) {
        this.page = page;
    }

    Locator signedInUser() {
        return page.locator("#signed-in-user");
    }

    /** A navigation entry that leads somewhere (a group such as "Administration" has no path, only children). */
    Locator navigation(String entry) {
        return page.locator("vaadin-side-nav-item[path]", new Page.LocatorOptions().setHasText(entry));
    }

    void open(String entry) {
        navigation(entry).first().click();
    }

    void signOut() {
        page.locator("#sign-out").click();
    }
}
