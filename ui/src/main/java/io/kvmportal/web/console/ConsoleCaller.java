package io.kvmportal.web.console;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import io.kvmportal.api.Actor;
import io.kvmportal.auth.ApiTokenService;
import io.kvmportal.web.SameOrigin;
import io.kvmportal.web.WebSession;
import io.micronaut.context.BeanContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;

/**
 * Who opens a console, read from the WebSocket handshake: the signed-in session or a bearer token, and whether
 * the request came from a portal page. It refuses nothing itself: the console service does, after the handshake,
 * so that the page can read why.
 *
 * @param actor the account, if signed in and enabled
 * @param fromPortalPage whether the Origin is this portal (or, for a token, no page at all)
 */
record ConsoleCaller(Actor actor, boolean fromPortalPage) {
    private static final String BEARER = "Bearer ";

    static ConsoleCaller of(HttpServletRequest request, BeanContext beans) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        String authorization = request.getHeader("Authorization");
        Optional<UserView> user;
        boolean fromPortalPage;
        if (authorization != null) {
            // A script with a token: browsers cannot set this header on a WebSocket, so no page rides along.
            user = authorization.startsWith(BEARER)
                    ? beans.getBean(ApiTokenService.class).authenticate(authorization.substring(BEARER.length()).strip())
                    : Optional.empty();
            fromPortalPage = origin == null || SameOrigin.isPortal(origin, host);
        } else {
            // A browser sends its session cookie to any site's WebSocket, and always says where the page is from.
            user = sessionUser(request.getSession(false)).flatMap(beans.getBean(AccountService.class)::find)
                    .filter(UserView::enabled);
            fromPortalPage = SameOrigin.isPortal(origin, host);
        }
        return new ConsoleCaller(user.map(UserView::actor).orElse(null), fromPortalPage);
    }

    private static Optional<Long> sessionUser(HttpSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            return WebSession.userId(session);
        } catch (IllegalStateException invalidated) {
            // Signed out (or ended for a disabled user) while this handshake was on its way.
            return Optional.empty();
        }
    }
}
