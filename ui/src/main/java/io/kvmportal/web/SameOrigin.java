package io.kvmportal.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Whether a browser request comes from the portal's own pages. Browsers send {@code Origin} with every
 * cross-site POST, PUT, PATCH and DELETE, and scripts cannot forge it; it must name this portal's host.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /** True if the request has no Origin (not a browser's cross-site call) or an Origin of this portal. */
    static boolean allows(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        return origin == null || isPortal(origin, request.getHeader("Host"));
    }

    /** True if {@code origin} names the host (and port) the request was sent to. */
    public static boolean isPortal(String origin, String host) {
        if (origin == null || host == null || "null".equals(origin)) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
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
