package io.kvmportal.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.BrowserContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every Content-Security-Policy violation in the browser contexts a journey watches: each page reports its
 * {@code securitypolicyviolation} events (an inline script, an eval, a connection or an image the policy blocked)
 * to the console, where this collects them. A journey fails on any: a blocked script is a page that half works.
 */
final class PolicyViolations {
    static final String PREFIX = "CSP violation: ";
    /** Playwright's init scripts run before the page's own and are not subject to its policy. */
    private static final String REPORTER = "document.addEventListener('securitypolicyviolation', e => console.error('"
            + PREFIX + "' + e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at '"
            + " + e.sourceFile + ':' + e.lineNumber + ' on ' + document.location.pathname + ': '"
            + " + (e.sample || '')));";
    private final List<String> seen = new CopyOnWriteArrayList<>();

    void watch(BrowserContext context) {
        context.addInitScript(REPORTER);
        context.onConsoleMessage(message -> {
            if (message.text().startsWith(PREFIX)) {
                // Printed at once as well: a page that a violation broke usually fails the journey before its end.
                System.out.println(message.text());
                seen.add(message.text());
            }
        });
    }

    /** The violations seen since the last call, which forgets them. */
    List<String> take() {
        List<String> taken = new ArrayList<>(seen);
        seen.removeAll(taken);
        return taken;
    }

    void assertNone() {
        assertEquals(List.of(), take(), "the pages broke their Content-Security-Policy");
    }
}
