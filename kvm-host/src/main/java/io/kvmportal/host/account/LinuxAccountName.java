package io.kvmportal.host.account;

import java.util.regex.Pattern;

/**
 * A Linux account name that is safe to hand to useradd, setfacl and setpriv: lower-case letters,
 * digits and '-', starting with a letter, at most 32 characters (useradd's limit). A leading letter
 * also keeps the name from being read as an option or, by {@code getent passwd}, as a numeric uid.
 */
public record LinuxAccountName(String value) {
    public static final String PREFIX = "kvmp-";
    private static final Pattern LOGIN = Pattern.compile("[a-z][a-z0-9-]{1,26}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,31}");

    public LinuxAccountName {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new AccountRefusedException("account name " + quoted(value)
                    + " refused: 2-32 characters, a-z, 0-9 and '-', starting with a letter");
        }
    }

    /** The default account of a portal login: {@code kvmp-<login>}. */
    public static LinuxAccountName forLogin(String login) {
        if (login == null || !LOGIN.matcher(login).matches()) {
            throw new AccountRefusedException("login " + quoted(login)
                    + " refused: 2-27 characters, a-z, 0-9 and '-', starting with a letter");
        }
        return new LinuxAccountName(PREFIX + login);
    }

    /** An existing account an administrator chose instead of the default. */
    public static LinuxAccountName of(String name) {
        return new LinuxAccountName(name);
    }

    // The refused value may hold control characters or be huge: show it escaped and cut.
    private static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder shown = new StringBuilder("\"");
        value.codePoints().limit(40).forEach(c -> shown.append(c >= 0x20 && c < 0x7f ? Character.toString(c)
                : String.format("\\u%04x", c)));
        return shown.append(value.length() > 40 ? "...\"" : "\"").toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
