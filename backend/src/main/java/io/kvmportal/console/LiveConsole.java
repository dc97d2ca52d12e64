package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.guest.Guest;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** One open console: whose, of which guest, since when, and the bytes the relay has carried each way. */
public final class LiveConsole {
    private final long id;
    private final Actor user;
    private final Guest guest;
    private final Instant since;
    private final ConsoleLink link;
    /** The view-only link this console was opened through; null for the owner's own console. */
    private final Long shareId;
    private final AtomicLong toGuest = new AtomicLong();
    private final AtomicLong toBrowser = new AtomicLong();

    LiveConsole(long id, Actor user, Guest guest, Instant since, ConsoleLink link, Long shareId) {
        this.id = id;
        this.shareId = shareId;
        this.user = user;
        this.guest = guest;
        this.since = since;
        this.link = link;
    }

    public long id() {
        return id;
    }

    /** A viewer's console, through a view-only link: the relay passes none of its input to the guest. */
    public boolean viewOnly() {
        return shareId != null;
    }

    Long shareId() {
        return shareId;
    }

    public void countToGuest(int bytes) {
        toGuest.addAndGet(bytes);
    }

    public void countToBrowser(int bytes) {
        toBrowser.addAndGet(bytes);
    }

    long userId() {
        return user.id();
    }

    String guestUuid() {
        return guest.uuid();
    }

    String guestName() {
        return guest.name();
    }

    void end(ConsoleEnd why, String words) {
        link.end(why, words);
    }

    ConsoleView view() {
        return new ConsoleView(id, user.id(), user.login(), guest.id(), guest.name(), since, toGuest.get(),
                toBrowser.get());
    }
}
