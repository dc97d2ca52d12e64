package io.kvmportal.web.console;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import io.kvmportal.api.Actor;
import io.kvmportal.auth.ApiTokenService;
import io.kvmportal.web.SameOrigin;
import io.kvmportal.web.WebSession;
import io.micronaut.context.BeanContext;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads who opens a console from the WebSocket handshake, before Jetty upgrades it: the signed-in session or a
 * bearer token, and whether the Origin is this portal. It refuses nothing itself: a refused handshake reaches the
 * browser only as "connection failed", so the endpoint closes the socket with the refusal in words instead.
 * Endpoints are Micronaut beans, one per connection.
 */
final class ConsoleHandshake extends ServerEndpointConfig.Configurator {
    static final String CALLER = "io.kvmportal.console.caller";
    private static final String BEARER = "Bearer ";
    private final BeanContext beans;

    ConsoleHandshake(BeanContext beans) {
        this.beans = beans;
    }

    /** Who asked: the account (if signed in and enabled) and whether the request came from a portal page. */
    record Caller(Actor actor, boolean fromPortalPage) {
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String origin = header(request, "Origin");
        String authorization = header(request, "Authorization");
        Optional<UserView> user;
        boolean fromPortalPage;
        if (authorization != null) {
            // A script with a token: browsers cannot set this header on a WebSocket, so no page rides along.
            user = authorization.startsWith(BEARER)
                    ? beans.getBean(ApiTokenService.class).authenticate(authorization.substring(BEARER.length()).strip())
                    : Optional.empty();
            fromPortalPage = origin == null || SameOrigin.isPortal(origin, header(request, "Host"));
        } else {
            // A browser sends its session cookie to any site's WebSocket, and always says where the page is from.
            user = sessionUser((HttpSession) request.getHttpSession())
                    .flatMap(beans.getBean(AccountService.class)::find).filter(UserView::enabled);
            fromPortalPage = SameOrigin.isPortal(origin, header(request, "Host"));
        }
        config.getUserProperties().put(CALLER, new Caller(user.map(UserView::actor).orElse(null), fromPortalPage));
    }

    /** No permessage-deflate: VNC's encodings are compressed already, and deflating again costs the CPU twice. */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return List.of();
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return beans.getBean(endpointClass);
    }

    private static Optional<Long> sessionUser(HttpSession session) {
        try {
            return WebSession.userId(session);
        } catch (IllegalStateException invalidated) {
            // Signed out (or ended for a disabled user) while this handshake was on its way.
            return Optional.empty();
        }
    }

    private static String header(HandshakeRequest request, String name) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
