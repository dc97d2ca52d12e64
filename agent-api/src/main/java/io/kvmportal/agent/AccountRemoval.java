package io.kvmportal.agent;

/** What removing a login's Linux account did: only accounts this installation made and marked are removed. */
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

    public boolean leftInPlace() {
        return this == LEFT_UNMARKED || this == LEFT_OTHER_INSTALLATION;
    }

    /** Why an account was left in place; empty otherwise. */
    public String reason() {
        return reason;
    }
}
