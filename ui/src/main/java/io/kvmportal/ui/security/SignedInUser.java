package io.kvmportal.ui.security;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinSession;
import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserView;
import io.kvmportal.api.Actor;
import io.kvmportal.web.WebSession;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The account of the current Vaadin session, read fresh each time so a disabled user is noticed at once. */
@Singleton
public class SignedInUser {
    private final AccountService accounts;

    public SignedInUser(AccountService accounts) {
        this.accounts = accounts;
    }

    public Optional<UserView> find() {
        VaadinSession session = VaadinSession.getCurrent();
        if (session == null || session.getSession() == null) {
            return Optional.empty();
        }
        return WebSession.userId(session.getSession().getAttribute(WebSession.userIdAttribute()))
                .flatMap(accounts::find)
                .filter(UserView::enabled);
    }

    /** The signed-in account; views behind access control may rely on there being one. */
    public UserView get() {
        return find().orElseThrow(() -> new IllegalStateException("No signed-in user in this session"));
    }

    /** The signed-in account as the one asking the services for something. */
    public Actor actor() {
        return get().actor();
    }

    public void signOut() {
        UI ui = UI.getCurrent();
        VaadinSession.getCurrent().getSession().invalidate();
        ui.getPage().setLocation("login");
    }
}
