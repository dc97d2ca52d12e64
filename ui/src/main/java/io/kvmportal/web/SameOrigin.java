package io.kvmportal.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Whether a browser request comes from the portal's own pages. Browsers send {@code Origin} with every POST, PUT,
 * PATCH and DELETE (fetch, XHR and forms alike), and scripts in a page cannot forge it; it must name this portal's
 * host. A request without it is taken from the portal only if its {@code Referer} names the portal (some browsers
 * and privacy extensions drop Origin but keep a same-origin Referer, which the portal's Referrer-Policy sends); a
 * request with neither is refused, as a cross-site request whose headers were stripped looks just like it.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /** Why a cookie-authenticated request that changes state is refused, or null if it comes from a portal page. */
    static String refusal(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (origin != null) {
            return isPortal(origin, host) ? null : "Cross-site request refused: the Origin is not this portal.";
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return isPortal(referer, host) ? null : "Cross-site request refused: the Referer is not this portal.";
        }
        return "Request refused: it carries the session cookie but neither Origin nor Referer, so it cannot be told "
                + "from a cross-site one. Browsers send Origin; scripts use 'Authorization: Bearer <token>'.";
    }

    /** True if {@code origin} (an Origin, or any absolute URL) names the host (and port) the request was sent to. */
    public static boolean isPortal(String origin, String host) {
        if (origin == null || host == null || "null".equals(origin)) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return false;
            }
            String originHost = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
            return originHost.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** True if the request requires credentials and changes state; the others need no Origin check. */
    static boolean changesState(HttpServletRequest request) {
        return switch (request.getMethod()) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }
}
