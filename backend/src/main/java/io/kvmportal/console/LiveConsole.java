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
    private final AtomicLong toGuest = new AtomicLong();
    private final AtomicLong toBrowser = new AtomicLong();

    LiveConsole(long id, Actor user, Guest guest, Instant since, ConsoleLink link) {
        this.id = id;
        this.user = user;
        this.guest = guest;
        this.since = since;
        this.link = link;
    }

    public long id() {
        return id;
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
