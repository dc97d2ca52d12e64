package io.kvmportal.e2e;

import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;

/** The admin's image list, its publish dialog (upload or server file) and each image's withdraw button. */
final class ImagesPage {
    private final Page page;

    ImagesPage(Page page) {
        this.page = page;
    }

    void openPublishDialog() {
        page.locator("#publish-image-open").click();
    }

    /** Picks the file in the upload component's own file chooser; the upload starts at once. */
    void chooseFile(Path file) {
        FileChooser chooser = page.waitForFileChooser(() -> page.locator("#image-upload vaadin-button").click());
        chooser.setFiles(file);
    }

    /** The dialog's second tab: a file in the server's import directory, by path. */
    void chooseServerFile(Path file) {
        page.locator("vaadin-tab", new Page.LocatorOptions().setHasText("From a file on the server")).click();
        page.locator("#image-server-path input").fill(file.toString());
    }

    void describe(String name, String os) {
        page.locator("#image-name input").fill(name);
        page.locator("#image-os input").fill(os);
    }

    Locator progressBar() {
        return page.locator("#image-upload vaadin-upload-file vaadin-progress-bar");
    }

    Locator received() {
        return page.locator("#image-upload-received");
    }

    void publish() {
        page.locator("#publish-image").click();
    }

    Locator refusal() {
        return page.locator("#publish-refusal");
    }

    void cancel() {
        page.locator("vaadin-dialog-overlay vaadin-button", new Page.LocatorOptions().setHasText("Cancel")).click();
    }

    Locator status(String image) {
        return page.locator("[data-image-status='" + image + "']");
    }

    void withdraw(String image) {
        page.locator("[data-image='" + image + "'] vaadin-button", new Page.LocatorOptions().setHasText("Withdraw"))
                .click();
        page.locator("vaadin-confirm-dialog-overlay vaadin-button", new Page.LocatorOptions().setHasText("Withdraw"))
                .click();
    }

    Locator notification() {
        return page.locator("vaadin-notification-card");
    }
}
