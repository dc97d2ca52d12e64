package io.kvmportal.account;

/** What a portal user may do: manage their own guests, or also the portal. */
public enum Role {
    USER,
    ADMIN
}
