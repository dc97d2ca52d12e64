package io.kvmportal.console;

import io.kvmportal.account.AccessRevoked;
import io.kvmportal.guest.GuestEnded;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;

/**
 * Ends live consoles the moment they lose their reason to exist, instead of at the user's next click: the guest's
 * QEMU ended, or the user was disabled or deleted (after that commits). Anchors leave them open: Proxmox's own
 * documentation says a disabled user's open console is not terminated.
 */
@Singleton
class ConsoleEvents {
    private final ConsoleRegistry consoles;

    ConsoleEvents(ConsoleRegistry consoles) {
        this.consoles = consoles;
    }

    @EventListener
    void onGuestEnded(GuestEnded ended) {
        String uuid = ended.uuid().toString();
        consoles.endWhere(console -> console.guestUuid().equals(uuid), ConsoleEnd.GUEST_STOPPED,
                "The guest stopped.");
    }

    @TransactionalEventListener
    void onAccessRevoked(AccessRevoked revoked) {
        consoles.endWhere(console -> console.userId() == revoked.userId(), ConsoleEnd.ACCOUNT_DISABLED,
                revoked.deleted() ? "Your account was deleted." : "Your account was disabled.");
    }
}
