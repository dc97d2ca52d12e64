package io.kvmportal.console;

/** What presenting a console token came to; all but VALID refuse the connection. */
enum TokenVerdict {
    VALID(""),
    UNKNOWN("This console link is not valid; open the console again."),
    USED("This console link was already used; open the console again."),
    EXPIRED("This console link has expired; open the console again."),
    OTHER_USER("This console link was issued to another user."),
    OTHER_GUEST("This console link is for another guest.");

    private final String words;

    TokenVerdict(String words) {
        this.words = words;
    }

    String words() {
        return words;
    }
}
