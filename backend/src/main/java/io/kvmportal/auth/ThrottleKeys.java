package io.kvmportal.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The keys the sign-in throttle counts failures under. A login name counts in lower case whether or not it exists,
 * so the throttle reveals nothing. An IPv4 address counts as itself; an IPv6 address by its /64, because one
 * subscriber is usually given a whole /64 and could otherwise take a fresh address for every guess.
 */
final class ThrottleKeys {
    static final int MAX_LENGTH = 100;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Starts as InetAddress needs to treat the text as a literal; a zone (%eth0) is dropped before. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

    private ThrottleKeys() {
    }

    static String login(String login) {
        String name = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        return "login:" + (name.length() > 64 ? name.substring(0, 64) : name);
    }

    static String address(String address) {
        String text = address == null ? "" : address.strip();
        return "address:" + (IPV4.matcher(text).matches() ? text : ipv6Prefix(text));
    }

    /** The /64 of an IPv6 literal; anything else (Jetty hands over only literals) counts by its text, bounded. */
    private static String ipv6Prefix(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        literal = literal.indexOf('%') >= 0 ? literal.substring(0, literal.indexOf('%')) : literal;
        // Starting with a hex digit or ':' and holding a ':', the text is parsed as an IPv6 literal: never DNS.
        if (literal.indexOf(':') >= 0 && IPV6.matcher(literal).matches()) {
            try {
                InetAddress parsed = InetAddress.getByName(literal);
                if (parsed instanceof Inet6Address) {
                    byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
                    Arrays.fill(prefix, 8, 16, (byte) 0);
                    return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
                }
                return parsed.getHostAddress();
            } catch (UnknownHostException notALiteral) {
                // falls through: counted by its text
            }
        }
        return text.length() > 60 ? text.substring(0, 60) : text;
    }
}
