package io.kvmportal.audit;

/** Every kind of change the portal records. */
public enum AuditAction {
    SIGN_IN,
    TOKEN_ISSUED,
    TOKEN_REVOKED,
    USER_CREATED,
    USER_ENABLED,
    USER_DISABLED,
    USER_DELETED,
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    QUOTA_CHANGED,
    QUOTA_DEFAULTS_CHANGED
}
