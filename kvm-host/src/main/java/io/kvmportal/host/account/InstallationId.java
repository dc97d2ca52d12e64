package io.kvmportal.host.account;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which kvm-portal installation (one data directory) created a Linux account: 128 random bits as 32 lower-case
 * hex digits. Accounts the portal creates carry it in their GECOS field as {@code kvm-portal <id>}, and the portal
 * removes only accounts that carry its own: a test run or a second portal on the same host must never delete
 * another one's {@code kvmp-<login>}.
 */
public record InstallationId(String value) {
    private static final String COMMENT_PREFIX = "kvm-portal ";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public InstallationId {
        if (value == null || !HEX.matcher(value).matches()) {
            throw new IllegalArgumentException("an installation id is 32 lower-case hex digits");
        }
    }

    /** A new id, for a data directory that has none yet. */
    public static InstallationId random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new InstallationId(HexFormat.of().formatHex(bits));
    }

    /** The id written as {@code hex}, if that is 32 lower-case hex digits and nothing else. */
    public static Optional<InstallationId> parse(String hex) {
        return hex != null && HEX.matcher(hex).matches() ? Optional.of(new InstallationId(hex)) : Optional.empty();
    }

    /**
     * The mark in a GECOS field, if it is exactly one: {@code kvm-portal <32 lower-case hex digits>}. Anything else
     * (empty, a person's name, a near miss) is no mark, so the account counts as not the portal's.
     */
    public static Optional<InstallationId> fromComment(String gecos) {
        if (gecos == null || !gecos.startsWith(COMMENT_PREFIX)) {
            return Optional.empty();
        }
        return parse(gecos.substring(COMMENT_PREFIX.length()));
    }

    /** The GECOS field of an account this installation creates. */
    public String comment() {
        return COMMENT_PREFIX + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
