package io.kvmportal.web;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import io.kvmportal.api.CurrentUser;
import jakarta.inject.Singleton;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;

/**
 * Re-reads the account of a signed-in session on every request: a user who was disabled or deleted loses the
 * session at their next click, not at its expiry. A live account is left on the request for the API filter.
 */
@Singleton
class SessionGuardFilter extends HttpFilter {
    private final transient AccountService accounts;

    SessionGuardFilter(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpSession session = request.getSession(false);
        Optional<Long> userId = WebSession.userId(session);
        if (userId.isPresent()) {
            Optional<UserView> user = accounts.find(userId.get()).filter(UserView::enabled);
            if (user.isPresent()) {
                request.setAttribute(CurrentUser.ATTRIBUTE, user.get().actor());
            } else {
                session.invalidate();
            }
        }
        chain.doFilter(request, response);
    }
}
