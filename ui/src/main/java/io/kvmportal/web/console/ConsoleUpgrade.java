package io.kvmportal.web.console;

import io.kvmportal.api.PortalException;
import io.kvmportal.console.ConsoleConfiguration;
import io.kvmportal.console.ConsoleEnd;
import io.kvmportal.console.ConsoleLink;
import io.kvmportal.console.ConsoleRequest;
import io.kvmportal.console.ConsoleService;
import io.kvmportal.console.LiveConsole;
import io.kvmportal.console.OpenConsole;
import io.kvmportal.console.ViewOnlyRfb;
import io.micronaut.context.BeanContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletCoreRequest;
import org.eclipse.jetty.ee10.servlet.ServletCoreResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest's screen as a binary WebSocket at {@link ConsoleService#SCREEN_PATH}, for noVNC, with a one-time ticket
 * ({@link #ticket}). This
 * servlet does the RFC 6455 handshake, lets the console service check the caller, the ticket and the guest and
 * connect to the guest's VNC socket, and hands the browser's socket to a {@link ConsoleRelay}. Jetty's JSR-356
 * layer is not used for consoles: it hands every message between threads, which cost more than the relaying
 * itself (see ConsoleProxyBenchmark).
 * <p>
 * A refusal is still a WebSocket, closed at once with code 4000 + the HTTP status the API would give (4401 not
 * signed in, 4403 token or Origin refused, 4404 no such guest, 4409 guest not running, 4429 too many consoles,
 * 4502 screen unreachable) and the reason in words, because a browser tells a page nothing about a refused
 * handshake. A failure of the portal itself closes it with 1011. Only a request that is not a WebSocket handshake
 * at all gets an HTTP error.
 */
public final class ConsoleUpgrade extends HttpServlet {
    /** Where it is mapped; the rest of the path is {@code /{guestId}/vnc}. */
    public static final String MAPPING = "/console/guests/*";
    private static final Pattern GUEST_PATH = Pattern.compile("/(\\d{1,18})/vnc");
    /** The subprotocol prefix a page offers its ticket under. */
    public static final String TICKET_PROTOCOL = "kvmp-ticket.";
    private static final int UPGRADE_REQUIRED = 426;
    private static final String ACCEPT_SUFFIX = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final String CANNOT_OPEN = "The portal could not open the console; its log says why.";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleUpgrade.class);
    private final transient BeanContext beans;
    private final transient ScreenSelector screens;

    public ConsoleUpgrade(BeanContext beans, ScreenSelector screens) {
        this.beans = beans;
        this.screens = screens;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NotAHandshake problem = handshakeProblem(request);
        if (problem != null) {
            if (problem.status() == UPGRADE_REQUIRED) {
                response.setHeader("Sec-WebSocket-Version", "13");
            }
            response.sendError(problem.status(), problem.words());
            return;
        }
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(request);
        ConnectionMetaData connection = base.getConnectionMetaData();
        EndPoint browser = connection.getConnection().getEndPoint();
        ConsoleRelay relay = relayFor(request, browser, connection);
        upgrade(request, response, relay);
    }

    /** A request this servlet answers with an HTTP error: the status, and why in words. */
    record NotAHandshake(int status, String words) {
        static NotAHandshake badRequest(String words) {
            return new NotAHandshake(HttpServletResponse.SC_BAD_REQUEST, "Not a WebSocket handshake: " + words);
        }
    }

    /** Why this is not a WebSocket handshake a console can take, or null if it is one. */
    static NotAHandshake handshakeProblem(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || !"HTTP/1.1".equals(request.getProtocol())) {
            return NotAHandshake.badRequest("a console opens with GET over HTTP/1.1.");
        }
        String upgrade = request.getHeader("Upgrade");
        String connection = request.getHeader("Connection");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || connection == null
                || Arrays.stream(connection.split(",")).noneMatch(token -> token.strip().equalsIgnoreCase("upgrade"))) {
            return NotAHandshake.badRequest("Upgrade: websocket and Connection: Upgrade are missing.");
        }
        if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
            return new NotAHandshake(UPGRADE_REQUIRED, "Only WebSocket version 13 is spoken here.");
        }
        String key = request.getHeader("Sec-WebSocket-Key");
        try {
            if (key == null || Base64.getDecoder().decode(key.strip()).length != 16) {
                return NotAHandshake.badRequest("Sec-WebSocket-Key must be 16 bytes in base64.");
            }
        } catch (IllegalArgumentException notBase64) {
            return NotAHandshake.badRequest("Sec-WebSocket-Key must be 16 bytes in base64.");
        }
        return null;
    }

    /** Checks the console and connects to the screen; a refusal or failure makes a relay that says so and ends. */
    private ConsoleRelay relayFor(HttpServletRequest request, EndPoint browser, ConnectionMetaData connection) {
        var pool = connection.getConnector().getByteBufferPool();
        var scheduler = connection.getConnector().getScheduler();
        Matcher path = GUEST_PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!path.matches()) {
            return ConsoleRelay.refusing(browser, pool, scheduler, 4404, "No such guest.");
        }
        long guestId = Long.parseLong(path.group(1));
        ConsoleCaller caller = ConsoleCaller.of(request, beans);
        ConsoleService consoles = beans.getBean(ConsoleService.class);
        LaterEnd endLater = new LaterEnd();
        OpenConsole open;
        try {
            open = consoles.open(new ConsoleRequest(guestId, ticket(request), caller.actor(),
                    caller.fromPortalPage()), endLater);
        } catch (PortalException refused) {
            return ConsoleRelay.refusing(browser, pool, scheduler, 4000 + refused.fault().httpStatus(),
                    refused.getMessage());
        } catch (RuntimeException failed) {
            LOG.error("Cannot open a console of guest {}", guestId, failed);
            return ConsoleRelay.refusing(browser, pool, scheduler, ConsoleRelay.UNEXPECTED, CANNOT_OPEN);
        }
        LiveConsole console = open.console();
        ConsoleRelay relay = ConsoleRelay.relaying(browser, pool, scheduler, open.screen(), screens.zeroCopy(),
                counter(console),
                console.viewOnly() ? new ViewOnlyRfb() : null, () -> consoles.closed(console));
        browser.setIdleTimeout(beans.getBean(ConsoleConfiguration.class).getIdleTimeout().toMillis());
        endLater.relayTo(relay);
        try {
            screens.register(relay);
        } catch (IOException | RuntimeException failed) {
            LOG.error("Cannot watch the screen of guest {}", guestId, failed);
            relay.end(ConsoleRelay.UNEXPECTED, CANNOT_OPEN);
        }
        return relay;
    }

    /** Answers 101 and hands the browser's socket to the relay once Jetty has sent it. */
    private static void upgrade(HttpServletRequest request, HttpServletResponse response, ConsoleRelay relay)
            throws IOException {
        Request core = ServletCoreRequest.wrap(request);
        Response coreResponse = ServletCoreResponse.wrap(core, response, false);
        coreResponse.setStatus(101);
        coreResponse.getHeaders().put(HttpHeader.UPGRADE, "websocket");
        coreResponse.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
        coreResponse.getHeaders().put(HttpHeader.SEC_WEBSOCKET_ACCEPT, accept(request.getHeader("Sec-WebSocket-Key")));
        if (offeredProtocols(request).contains("binary")) {
            // noVNC asks for "binary"; answering with a protocol it did not offer would fail its handshake.
            coreResponse.getHeaders().put(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, "binary");
        }
        core.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, relay.browserConnection());
        FutureCallback sent = new FutureCallback();
        coreResponse.write(true, null, sent);
        try {
            sent.block();
        } catch (IOException | RuntimeException browserGone) {
            relay.browserGone();
            throw browserGone;
        }
    }

    /**
     * The console ticket: offered as the subprotocol {@code kvmp-ticket.<token>}, which is how the portal's page
     * sends it (a URL ends up in logs and histories; a handshake header does not), or as {@code ?token=}, which is
     * simpler for scripts. Never answered as the chosen protocol.
     */
    static String ticket(HttpServletRequest request) {
        for (String protocol : offeredProtocols(request)) {
            if (protocol.startsWith(TICKET_PROTOCOL)) {
                return protocol.substring(TICKET_PROTOCOL.length());
            }
        }
        return request.getParameter("token");
    }

    private static List<String> offeredProtocols(HttpServletRequest request) {
        List<String> offered = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String protocol : header.split(",")) {
                offered.add(protocol.strip());
            }
        }
        return offered;
    }

    /** Sec-WebSocket-Accept for a key: base64(SHA-1(key + the RFC's GUID)). */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.strip() + ACCEPT_SUFFIX).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java has SHA-1", impossible);
        }
    }

    private static ConsoleRelay.Traffic counter(LiveConsole console) {
        return new ConsoleRelay.Traffic() {
            @Override
            public void toScreen(int bytes) {
                console.countToGuest(bytes);
            }

            @Override
            public void toBrowser(int bytes) {
                console.countToBrowser(bytes);
            }
        };
    }

    /**
     * The console service's way to end a console, given before the relay exists: an end that comes first (the
     * guest stopped meanwhile) is kept and passed on when the relay is made.
     */
    private static final class LaterEnd implements ConsoleLink {
        private ConsoleRelay relay;
        private ConsoleEnd why;
        private String words;

        @Override
        public void end(ConsoleEnd why, String words) {
            ConsoleRelay now;
            synchronized (this) {
                if (relay == null) {
                    this.why = why;
                    this.words = words;
                    return;
                }
                now = relay;
            }
            now.end(why.closeCode(), words);
        }

        void relayTo(ConsoleRelay relay) {
            ConsoleEnd early;
            synchronized (this) {
                this.relay = relay;
                early = why;
            }
            if (early != null) {
                relay.end(early.closeCode(), words);
            }
        }
    }
}
