package io.kvmportal.agent;

/** How an agent names the Linux account of a portal login: the prefix and the login, e.g. {@code kvmp-alice}. */
public final class AccountNames {
    public static final String PREFIX = "kvmp-";

    private AccountNames() {
    }

    public static String of(String login) {
        return PREFIX + login;
    }
}
