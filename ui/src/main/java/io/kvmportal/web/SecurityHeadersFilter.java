package io.kvmportal.web;

import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers that cost nothing and close whole classes of attack: framing, MIME sniffing, leaking URLs, injected
 * script ({@link ContentSecurityPolicy}), and secrets kept in caches.
 */
@Singleton
class SecurityHeadersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String nonce = ContentSecurityPolicy.newNonce();
        request.setAttribute(ContentSecurityPolicy.NONCE_ATTRIBUTE, nonce);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", ContentSecurityPolicy.header(nonce));
        response.setHeader("Referrer-Policy", "same-origin");
        if (carriesSecrets(request)) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }

    /**
     * Every API answer (tokens, console tickets, console links' paths, and otherwise one user's data) and the shared
     * console page, whose URL is its secret: no browser or proxy cache may keep them. Decided by route, not by each
     * controller, so that a new route that hands out a secret is covered without anyone remembering to.
     */
    private static boolean carriesSecrets(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.startsWith("/api/") || path.startsWith("/shared-console/");
    }
}
