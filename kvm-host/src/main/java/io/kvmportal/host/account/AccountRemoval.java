package io.kvmportal.host.account;

/**
 * What removing a login's Linux account did. The portal removes only accounts it created itself, marked with its
 * {@link InstallationId}; any other account of that name is left in place, with its /dev/kvm entry, and
 * {@link #reason} says why.
 */
public enum AccountRemoval {
    REMOVED(""),
    NO_ACCOUNT(""),
    LEFT_UNMARKED("it does not carry this portal's mark (an administrator, another program or an older portal"
            + " made it)"),
    LEFT_OTHER_INSTALLATION("it carries the mark of another kvm-portal installation (another portal or a test run)");

    private final String reason;

    AccountRemoval(String reason) {
        this.reason = reason;
    }

    /** Whether an account of that name exists and was not this installation's to remove. */
    public boolean leftInPlace() {
        return this == LEFT_UNMARKED || this == LEFT_OTHER_INSTALLATION;
    }

    /** Why the account was left in place; empty otherwise. */
    public String reason() {
        return reason;
    }
}
