package io.kvmportal.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/** The sign-in view, as a user sees it. */
final class LoginPage {
    private final Page page;

    LoginPage(Page page) {
        this.page = page;
    }

    Locator form() {
        return page.locator("vaadin-login-form");
    }

    /** The form's error box: its heading and message, once a sign-in was refused. */
    Locator error(String heading) {
        return form().getByText(heading);
    }

    void signIn(String login, String password) {
        page.locator("vaadin-login-form input[name='username']").fill(login);
        page.locator("vaadin-login-form input[name='password']").fill(password);
        page.locator("vaadin-login-form vaadin-button[slot='submit']").click();
    }
}
