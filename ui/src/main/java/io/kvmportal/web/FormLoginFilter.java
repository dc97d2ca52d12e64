package io.kvmportal.web;

import io.kvmportal.account.UserView;
import io.kvmportal.auth.AuthenticationException;
import io.kvmportal.auth.SignInService;
import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target of the sign-in form: Vaadin's login view posts {@code username} and {@code password} here as a
 * plain form, so the browser's password manager works and the session id can change before any view runs.
 * GET requests pass on to the login view itself.
 */
@Singleton
class FormLoginFilter extends HttpFilter {
    static final String PATH = "/login";
    private static final Logger LOG = LoggerFactory.getLogger(FormLoginFilter.class);
    private final transient SignInService signIn;

    FormLoginFilter(SignInService signIn) {
        this.signIn = signIn;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String refusal = SameOrigin.refusal(request);
        if (refusal != null) {
            response.sendError(403, refusal);
            return;
        }
        String login = request.getParameter("username");
        try {
            UserView user = signIn.signIn(login, request.getParameter("password"), request.getRemoteAddr());
            WebSession.signIn(request, user);
            LOG.info("Signed in: {}", user.login());
            response.sendRedirect("/");
        } catch (AuthenticationException refused) {
            String reason = refused.reason().name().toLowerCase(Locale.ROOT);
            if (refused.reason() == AuthenticationException.Reason.BUSY) {
                // One line per refusal of a flood would be a flood of its own.
                LOG.debug("Sign-in refused (busy) for login '{}'", LogText.bounded(login));
            } else {
                LOG.info("Sign-in refused ({}) for login '{}'", reason, LogText.bounded(login));
            }
            // The login page says how long to wait, as the API's Retry-After does.
            String wait = refused.retryAfter().map(after -> "&wait=" + AuthenticationException.seconds(after))
                    .orElse("");
            response.sendRedirect(PATH + "?error=" + reason + wait);
        }
    }
}
