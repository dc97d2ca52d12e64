package io.kvmportal.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Chromium under Playwright. Playwright's own browser download cannot work here (only package
 * registries are reachable), so the executable is the system's, and the flags keep Chromium from reaching out.
 */
final class Browsers {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("KVMP_CHROMIUM", "/usr/bin/chromium"));

    private Browsers() {
    }

    static Browser chromium(Playwright playwright) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("No Chromium at " + CHROMIUM + ": apt-get install chromium (test.sh does)");
        }
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu")));
    }
}
