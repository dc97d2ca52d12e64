package io.kvmportal.web.console;

import io.kvmportal.api.PortalException;
import io.kvmportal.console.ConsoleConfiguration;
import io.kvmportal.console.ConsoleRequest;
import io.kvmportal.console.ConsoleService;
import io.kvmportal.console.LiveConsole;
import io.kvmportal.console.OpenConsole;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Prototype;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest's screen as a binary WebSocket at {@link ConsoleService#SCREEN_PATH}{@code ?token=...}, for noVNC. The
 * console service checks the handshake and connects to the guest's VNC socket; {@link SocketRelay} carries the
 * bytes. A refusal closes the WebSocket at once with code 4000 + the HTTP status the API would give (4401 not
 * signed in, 4403 token or Origin refused, 4404 no such guest, 4409 guest not running, 4429 too many consoles,
 * 4502 screen unreachable) and the reason in words, which the page shows; a failure of the portal itself closes it
 * with 1011.
 */
@Prototype
public class ConsoleEndpoint extends Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoint.class);
    private final ConsoleService consoles;
    private final ConsoleConfiguration configuration;
    private SocketRelay relay;

    ConsoleEndpoint(ConsoleService consoles, ConsoleConfiguration configuration) {
        this.consoles = consoles;
        this.configuration = configuration;
    }

    /** The endpoint's registration; noVNC may ask for the "binary" subprotocol, and gets it. */
    public static ServerEndpointConfig config(BeanContext beans) {
        return ServerEndpointConfig.Builder.create(ConsoleEndpoint.class, ConsoleService.SCREEN_PATH)
                .subprotocols(List.of("binary"))
                .configurator(new ConsoleHandshake(beans))
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        ConsoleHandshake.Caller caller = (ConsoleHandshake.Caller) config.getUserProperties().get(ConsoleHandshake.CALLER);
        Long guestId = guestId(session.getPathParameters().get("guestId"));
        if (guestId == null || caller == null) {
            SocketRelay.close(session, 4404, "No such guest.");
            return;
        }
        session.setMaxIdleTimeout(configuration.getIdleTimeout().toMillis());
        relay = new SocketRelay(session);
        List<String> token = session.getRequestParameterMap().get("token");
        ConsoleRequest request = new ConsoleRequest(guestId, token == null || token.isEmpty() ? null : token.get(0),
                caller.actor(), caller.fromPortalPage());
        try {
            OpenConsole open = consoles.open(request, (why, words) -> relay.end(why.closeCode(), words));
            LiveConsole console = open.console();
            if (console.viewOnly()) {
                relay.viewOnly();
            }
            relay.start(open.screen(), new SocketRelay.Traffic() {
                @Override
                public void toSocket(int bytes) {
                    console.countToGuest(bytes);
                }

                @Override
                public void toBrowser(int bytes) {
                    console.countToBrowser(bytes);
                }
            }, () -> consoles.closed(console), "console-" + console.id());
        } catch (PortalException refused) {
            SocketRelay.close(session, 4000 + refused.fault().httpStatus(), refused.getMessage());
        } catch (RuntimeException failed) {
            LOG.error("Cannot open a console of guest {}", guestId, failed);
            SocketRelay.close(session, CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(),
                    "The portal could not open the console; its log says why.");
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (relay != null) {
            relay.browserGone();
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        if (relay != null) {
            relay.browserGone();
        }
    }

    private static Long guestId(String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException notAnId) {
            return null;
        }
    }
}
