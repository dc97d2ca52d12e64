package io.kvmportal.web;

import io.kvmportal.account.UserView;
import io.kvmportal.api.Actor;
import io.kvmportal.api.ApiError;
import io.kvmportal.api.ClientAddress;
import io.kvmportal.auth.ApiTokenService;
import io.kvmportal.api.CurrentUser;
import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Deny by default: every {@code /api} call but the public few needs a bearer token or a signed-in session,
 * and everything below {@code /api/v1/admin/} needs an admin, whatever the controller behind it forgets.
 * A session-authenticated call that changes state must also come from the portal's own pages (Origin, or
 * Referer where a browser sends no Origin).
 * The account goes on the request as {@link CurrentUser#ATTRIBUTE} for the controllers, and the client's address as
 * {@link ClientAddress#ATTRIBUTE}.
 */
@Singleton
class ApiAuthenticationFilter extends HttpFilter {
    private static final Set<String> PUBLIC = Set.of("POST /api/v1/auth/token", "GET /api/v1/health",
            "GET /api/v1/openapi.yml");
    /** Servlet path and path info of admin calls: decoded and normalised, so no spelling of the URL slips past. */
    private static final String ADMIN_PREFIX = "/api/v1/admin/";
    private static final String BEARER = "Bearer ";
    private final transient ApiTokenService tokens;

    ApiAuthenticationFilter(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // Plain data for the backend, which sees no servlet types: sign-in throttles per address too.
        request.setAttribute(ClientAddress.ATTRIBUTE, request.getRemoteAddr());
        if (PUBLIC.contains(request.getMethod() + " " + request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            Optional<UserView> user = authorization.startsWith(BEARER)
                    ? tokens.authenticate(authorization.substring(BEARER.length()).strip())
                    : Optional.empty();
            if (user.isEmpty()) {
                refuse(response, 401, "The bearer token is not valid, has expired or was revoked.");
                return;
            }
            request.setAttribute(CurrentUser.ATTRIBUTE, user.get().actor());
        } else if (request.getAttribute(CurrentUser.ATTRIBUTE) == null) {
            refuse(response, 401, "Sign in first: send the session cookie of a signed-in browser, or "
                    + "'Authorization: Bearer <token>' with a token from POST /api/v1/auth/token.");
            return;
        } else if (SameOrigin.changesState(request)) {
            String crossSite = SameOrigin.refusal(request);
            if (crossSite != null) {
                refuse(response, 403, crossSite);
                return;
            }
        }
        Actor actor = (Actor) request.getAttribute(CurrentUser.ATTRIBUTE);
        if (!actor.admin() && isAdminCall(request)) {
            refuse(response, 403, "Only an admin may do this.");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isAdminCall(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return (path + "/").startsWith(ADMIN_PREFIX);
    }

    static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"kvm-portal\"");
        }
        response.getWriter().write(ApiError.of(status, message).toJson());
    }
}
