package io.kvmportal.ui.security;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import io.kvmportal.account.UserView;
import io.kvmportal.ui.home.HomeView;
import io.kvmportal.ui.login.LoginView;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards every navigation: anonymous visitors go to the sign-in view, signed-in users skip it, and admin views
 * do not exist for others. Also installs the session's handler of unexpected errors.
 */
@Singleton
class AccessControl implements VaadinServiceInitListener {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    private final SignedInUser signedIn;

    AccessControl(SignedInUser signedIn) {
        this.signedIn = signedIn;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> init.getUI().addBeforeEnterListener(this::check));
        event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(error -> {
            LOG.error("Unexpected error in a view", error.getThrowable());
            Notification.show("Something went wrong on the server; the portal log has the details.", 6000,
                    Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }));
    }

    private void check(BeforeEnterEvent event) {
        Class<?> target = event.getNavigationTarget();
        Optional<UserView> user = signedIn.find();
        if (target == LoginView.class) {
            if (user.isPresent()) {
                event.forwardTo(HomeView.class);
            }
            return;
        }
        if (user.isEmpty()) {
            event.rerouteTo(LoginView.class);
        } else if (target.isAnnotationPresent(AdminOnly.class) && !user.get().isAdmin()) {
            event.rerouteToError(NotFoundException.class);
        }
    }
}
