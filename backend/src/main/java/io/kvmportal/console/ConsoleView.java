package io.kvmportal.console;

import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** An open console as an admin sees it. */
@Serdeable
public record ConsoleView(long id, long userId, String login, long guestId, String guestName, Instant since,
                          long bytesToGuest, long bytesToBrowser) {
}
