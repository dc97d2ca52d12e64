package io.kvmportal.console;

import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import java.util.Locale;

/**
 * A console that cannot be opened. The message is what the console page shows; on a WebSocket it is the close
 * reason, which holds at most 123 bytes, so the messages here are short and put the point first.
 */
public class ConsoleException extends PortalException {

    ConsoleException(Fault fault, String message) {
        super(fault, message);
    }

    static ConsoleException notSignedIn() {
        return new ConsoleException(Fault.UNAUTHENTICATED, "Sign in to open a console.");
    }

    static ConsoleException crossSite() {
        return new ConsoleException(Fault.FORBIDDEN, "Refused: the console was opened from a page that is not"
                + " this portal's.");
    }

    static ConsoleException token(TokenVerdict verdict) {
        return new ConsoleException(Fault.FORBIDDEN, verdict.words());
    }

    static ConsoleException notRunning(String guestName, String state) {
        return new ConsoleException(Fault.CONFLICT, "Cannot open the console of '" + guestName + "': it is "
                + state.toLowerCase(Locale.ROOT) + ".");
    }

    static ConsoleException tooMany(int open) {
        return new ConsoleException(Fault.TOO_MANY_REQUESTS, "You have " + open
                + " consoles open; close one first.");
    }

    static ConsoleException unreachable(String guestName, String why) {
        return new ConsoleException(Fault.HOST_FAILED, "Cannot reach the screen of '" + guestName + "': " + why);
    }

    static ConsoleException notFound(long consoleId) {
        return new ConsoleException(Fault.NOT_FOUND, "No open console with id " + consoleId + ".");
    }

    static ConsoleException adminOnly() {
        return new ConsoleException(Fault.FORBIDDEN, "Only an admin may see and end other users' consoles.");
    }
}
