package io.kvmportal.console;

/**
 * Why a live console ended, with the WebSocket close code the page gets. Codes 4000-4999 are the
 * application's own (RFC 6455): the page tells the cases apart without parsing the words.
 */
public enum ConsoleEnd {
    /** The browser closed it, or the guest's VNC server hung up (the close code says which). */
    CLOSED(1000),
    /** The portal is shutting down. */
    PORTAL_STOPPING(1001),
    GUEST_STOPPED(4001),
    ENDED_BY_ADMIN(4002),
    ACCOUNT_DISABLED(4003),
    /** The owner revoked the view-only link, or its time ran out. */
    LINK_ENDED(4004),
    /** The relay failed (the guest's socket or the WebSocket broke). */
    BROKEN(1011);

    private final int closeCode;

    ConsoleEnd(int closeCode) {
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
