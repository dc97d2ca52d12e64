package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which address and scheme a request is taken to have, from the connection's peer and its forwarding headers. */
class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    /** peer | X-Forwarded-For | X-Forwarded-Proto | client taken | secure (the peer's connection is plain HTTP). */
    @ParameterizedTest(name = "{0} forwarding [{1}] [{2}] -> {3} {4}")
    @CsvSource(delimiter = '|', value = {
        // An untrusted peer's headers are nobody's word: a spoofed client address, a claimed HTTPS.
        "192.0.2.7 | 203.0.113.9          | https        | 192.0.2.7   | false",
        "192.0.2.7 | 127.0.0.1            |              | 192.0.2.7   | false",
        // A trusted proxy: the address it says it was reached from, and the scheme the client used.
        "127.0.0.1 | 203.0.113.9          | https        | 203.0.113.9 | true",
        "127.0.0.1 | 203.0.113.9          | http         | 203.0.113.9 | false",
        "127.0.0.1 | 203.0.113.9          |              | 203.0.113.9 | false",
        "127.0.0.1 |                      | https        | 127.0.0.1   | true",
        "127.0.0.1 |                      |              | 127.0.0.1   | false",
        // A chain: each proxy appends its peer; the rightmost untrusted hop is the client, whatever stands left
        // of it (the client itself may have sent a forged X-Forwarded-For to the first proxy).
        "127.0.0.1 | 198.51.100.1, 203.0.113.9, 10.1.2.3 | https | 203.0.113.9 | true",
        "127.0.0.1 | 10.9.9.9, 10.1.2.3   | https        | 10.9.9.9    | true",
        "127.0.0.1 | 198.51.100.1, 203.0.113.9, 10.1.2.3 | http, https, http | 203.0.113.9 | true",
        "127.0.0.1 | 198.51.100.1, 203.0.113.9, 10.1.2.3 | https, http, https | 203.0.113.9 | false",
        // As many protocols as hops, or exactly one, count; any other number says nothing.
        "127.0.0.1 | 203.0.113.9, 10.1.2.3 | https, https, https | 203.0.113.9 | false",
        // What is not an address stops the walk at the last proxy believed; no DNS is asked.
        "127.0.0.1 | 203.0.113.9, unknown | https       | 127.0.0.1   | true",
        "127.0.0.1 | 203.0.113.9, evil.example | https  | 127.0.0.1   | true",
        "127.0.0.1 | 1.2.3                 | https       | 127.0.0.1   | true",
        // IPv6, bracketed or not; a range of them.
        "fd00::1   | [2001:db8::5]        | https        | 2001:db8::5 | true",
        "fd00::1   | 2001:db8::5, fd12::1 | https        | 2001:db8::5 | true",
        "2001:db8::1 | 203.0.113.9        | https        | 2001:db8::1 | false",
    })
    void resolvesTheClient(String peer, String forwardedFor, String forwardedProto, String client, boolean secure)
            throws UnknownHostException {
        TrustedProxies.Client resolved = proxies.resolve(InetAddress.getByName(peer), false, split(forwardedFor),
                split(forwardedProto));
        assertEquals(InetAddress.getByName(client), resolved.address());
        assertEquals(secure, resolved.secure());
    }

    @Test
    void aSecureConnectionStaysSecureWhenNoProxySaysOtherwise() throws UnknownHostException {
        assertTrue(proxies.resolve(InetAddress.getByName("192.0.2.7"), true, List.of(), List.of("http")).secure());
        assertFalse(new TrustedProxies(List.of()).resolve(InetAddress.getByName("127.0.0.1"), false,
                List.of("203.0.113.9"), List.of("https")).secure(), "with no proxy configured, nobody is believed");
    }

    @Test
    void rangesMatchTheirPrefixOnly() throws UnknownHostException {
        AddressRange range = AddressRange.parse("192.168.4.0/22");
        assertTrue(range.contains(InetAddress.getByName("192.168.7.255")));
        assertFalse(range.contains(InetAddress.getByName("192.168.8.0")));
        assertFalse(range.contains(InetAddress.getByName("2001:db8::c0a8:401")), "another family");
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
    }

    @Test
    void aSettingThatIsNoAddressIsRefusedNamingIt() {
        for (String bad : List.of("proxy.example", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "10.0.0")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new TrustedProxies(List.of(bad)));
            assertTrue(refused.getMessage().contains(bad), refused.getMessage());
        }
    }

    private static List<String> split(String header) {
        return header == null ? List.of() : Arrays.stream(header.split(",")).map(String::strip).toList();
    }
}
