package io.kvmportal.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Believes {@code X-Forwarded-For} and {@code X-Forwarded-Proto} from the configured proxies only, and then makes
 * the request the client's: {@code getRemoteAddr()} is the client's address and {@code isSecure()} says whether the
 * client used HTTPS (so the session cookie gets {@code Secure}). Jetty's own ForwardedRequestCustomizer believes
 * anyone, which would let every client pick the address a per-address throttle counts.
 * <p>
 * {@code X-Forwarded-For} is read from the right, as each proxy appends the address it was reached from: the client
 * is the rightmost address that is not a trusted proxy (the leftmost if all are). {@code X-Forwarded-Proto} counts
 * when it has one value, or one for each address (then the client's own); anything else is ignored.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_PROTO = "X-Forwarded-Proto";
    private final List<AddressRange> proxies;

    TrustedProxies(List<String> proxies) {
        this.proxies = proxies.stream().filter(proxy -> !proxy.isBlank()).map(AddressRange::parse).toList();
    }

    /** Where a request came from, after the trusted proxies' word. */
    record Client(InetAddress address, boolean secure) {
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (proxies.isEmpty() || !(remote instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return request;
        }
        HttpFields headers = request.getHeaders();
        Client client = resolve(peer.getAddress(), request.isSecure(), values(headers, FORWARDED_FOR),
                values(headers, FORWARDED_PROTO));
        if (client.address().equals(peer.getAddress()) && client.secure() == request.isSecure()) {
            return request;
        }
        return new ClientRequest(request, new InetSocketAddress(client.address(), 0), client.secure());
    }

    /** The client behind {@code peer}, the connection's other end, given the two headers' values in order. */
    Client resolve(InetAddress peer, boolean peerSecure, List<String> forwardedFor, List<String> forwardedProto) {
        if (!trusted(peer)) {
            return new Client(peer, peerSecure);
        }
        InetAddress client = peer;
        int hop = forwardedFor.size();
        while (hop > 0 && trusted(client)) {
            Optional<InetAddress> previous = AddressRange.literal(forwardedFor.get(hop - 1));
            if (previous.isEmpty()) {
                // "unknown", a name or garbage: no address to go by beyond the last proxy that was believed.
                break;
            }
            client = previous.get();
            hop--;
        }
        return new Client(client, scheme(peerSecure, forwardedFor.size(), hop, forwardedProto));
    }

    private static boolean scheme(boolean peerSecure, int hops, int clientHop, List<String> forwardedProto) {
        String proto;
        if (forwardedProto.size() == 1) {
            proto = forwardedProto.get(0);
        } else if (forwardedProto.size() == hops && clientHop < hops) {
            proto = forwardedProto.get(clientHop);
        } else {
            return peerSecure;
        }
        return switch (proto.toLowerCase(Locale.ROOT)) {
            case "https" -> true;
            case "http" -> false;
            default -> peerSecure;
        };
    }

    private boolean trusted(InetAddress address) {
        return proxies.stream().anyMatch(range -> range.contains(address));
    }

    /** Every comma-separated value of every copy of the header, in order. */
    private static List<String> values(HttpFields headers, String name) {
        List<String> values = new ArrayList<>();
        for (String header : headers.getValuesList(name)) {
            for (String value : header.split(",")) {
                if (!value.isBlank()) {
                    values.add(value.strip());
                }
            }
        }
        return values;
    }

    /** The request as the client sent it to the first proxy: its address, and its scheme in the URI. */
    private static final class ClientRequest extends Request.Wrapper {
        private final ConnectionMetaData connection;
        private final HttpURI uri;
        private final boolean secure;

        ClientRequest(Request request, SocketAddress client, boolean secure) {
            super(request);
            this.secure = secure;
            this.uri = HttpURI.build(request.getHttpURI())
                    .scheme(secure ? HttpScheme.HTTPS : HttpScheme.HTTP).asImmutable();
            this.connection = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
                @Override
                public SocketAddress getRemoteSocketAddress() {
                    return client;
                }

                @Override
                public boolean isSecure() {
                    return secure;
                }
            };
        }

        @Override
        public ConnectionMetaData getConnectionMetaData() {
            return connection;
        }

        @Override
        public HttpURI getHttpURI() {
            return uri;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }
    }
}
