package io.kvmportal.web;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One address or CIDR range, IPv4 or IPv6, written as literals only: a header's value must never make the portal
 * ask DNS, and a configured host name would make trust depend on whoever answers for it.
 *
 * @param network the range's first address, as bytes
 * @param prefix how many leading bits must match
 */
record AddressRange(byte[] network, int prefix) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    /** Parses {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}; throws naming the value otherwise. */
    static AddressRange parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        InetAddress address = literal(slash < 0 ? value : value.substring(0, slash)).orElseThrow(
                () -> new IllegalArgumentException("Not an IP address or CIDR range: '" + text + "'"));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException notNumber) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Prefix length out of 0.." + bits + ": '" + text + "'");
            }
        }
        return new AddressRange(address.getAddress(), prefix);
    }

    /** An IP address written as a literal (IPv6 maybe in brackets), never a name; empty for anything else. */
    static Optional<InetAddress> literal(String text) {
        String value = text.strip();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            // A literal never reaches a resolver: getByName only parses it.
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException | SecurityException malformed) {
            return Optional.empty();
        }
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int drop = bytes.length * 8 - prefix;
        return new BigInteger(1, bytes).shiftRight(drop).equals(new BigInteger(1, network).shiftRight(drop));
    }
}
