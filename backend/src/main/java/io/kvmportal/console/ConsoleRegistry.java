package io.kvmportal.console;

import io.kvmportal.api.Actor;
import io.kvmportal.guest.Guest;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** The consoles open in this portal process right now; they do not outlive it, so they live in memory. */
@Singleton
class ConsoleRegistry {
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, LiveConsole> open = new ConcurrentHashMap<>();

    /** Adds a console unless its user already has {@code maxPerUser} open; checked and added as one step. */
    synchronized LiveConsole add(Actor user, Guest guest, ConsoleLink link, Instant now, int maxPerUser) {
        return add(user, guest, link, now, maxPerUser, null);
    }

    synchronized LiveConsole add(Actor user, Guest guest, ConsoleLink link, Instant now, int maxPerUser,
                                 Long shareId) {
        int theirs = countOf(user.id());
        if (theirs >= maxPerUser) {
            throw ConsoleException.tooMany(theirs);
        }
        LiveConsole console = new LiveConsole(ids.incrementAndGet(), user, guest, now, link, shareId);
        open.put(console.id(), console);
        return console;
    }

    int countOf(long userId) {
        return (int) open.values().stream().filter(console -> console.userId() == userId).count();
    }

    void remove(LiveConsole console) {
        open.remove(console.id(), console);
    }

    Optional<LiveConsole> find(long id) {
        return Optional.ofNullable(open.get(id));
    }

    List<LiveConsole> all() {
        return open.values().stream().sorted(Comparator.comparingLong(LiveConsole::id)).toList();
    }

    /** Ends (and forgets) every console that {@code which} picks; each closes both its sides. */
    void endWhere(Predicate<LiveConsole> which, ConsoleEnd why, String words) {
        for (LiveConsole console : all()) {
            if (which.test(console)) {
                remove(console);
                console.end(why, words);
            }
        }
    }
}
