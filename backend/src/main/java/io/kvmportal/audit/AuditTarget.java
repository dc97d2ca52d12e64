package io.kvmportal.audit;

/** What an audited action was done to; the name is copied so the entry reads right after a delete. */
public record AuditTarget(String type, Long id, String name, Long ownerId) {

    public static AuditTarget user(long id, String login) {
        return new AuditTarget("user", id, login, id);
    }

    /** A sign-in attempt names a login that may not exist: no id, no owner. */
    public static AuditTarget login(String login) {
        return new AuditTarget("login", null, login, null);
    }
}
