package io.kvmportal.web;

import io.kvmportal.account.UserView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;

/** What a signed-in browser session holds: only the account id; the account itself is read on every request. */
public final class WebSession {
    static final String USER_ID = "io.kvmportal.userId";

    private WebSession() {
    }

    /** Marks the session as signed in, under a new session id so that a planted id is worth nothing. */
    static void signIn(HttpServletRequest request, UserView user) {
        request.getSession(true);
        request.changeSessionId();
        request.getSession().setAttribute(USER_ID, user.id());
    }

    public static Optional<Long> userId(HttpSession session) {
        return session == null ? Optional.empty() : userId(session.getAttribute(USER_ID));
    }

    /** For Vaadin's wrapped session, which hands out attributes the same way. */
    public static Optional<Long> userId(Object attribute) {
        return attribute instanceof Long id ? Optional.of(id) : Optional.empty();
    }

    public static String userIdAttribute() {
        return USER_ID;
    }
}
