package io.kvmportal.ui.admin;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.account.AccountService;
import io.kvmportal.account.UserRemoval;
import io.kvmportal.account.UserView;
import io.kvmportal.api.PortalException;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.quota.QuotaView;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.Notifications;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.quota.QuotaDefaultsDialog;
import io.kvmportal.ui.quota.QuotaDialog;
import io.kvmportal.ui.security.AdminOnly;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Admins list, create, enable or disable, reset the password of, and delete accounts. */
@Route(value = "admin/users", layout = MainLayout.class)
@PageTitle("Users · kvm-portal")
@AdminOnly
@Prototype
public class UsersView extends VerticalLayout {
    final Grid<UserView> grid = new Grid<>(UserView.class, false);
    final Button newUser = new Button("New user", VaadinIcon.PLUS.create());
    final Button defaults = new Button("Default quota", VaadinIcon.SLIDERS.create());
    private final AccountService accounts;
    private final QuotaService quotas;
    private final Map<Long, QuotaView> shownQuotas = new HashMap<>();
    private final SignedInUser signedIn;
    private final UserRemoval removal;

    public UsersView(AccountService accounts, QuotaService quotas, SignedInUser signedIn, UserRemoval removal) {
        this.accounts = accounts;
        this.removal = removal;
        this.quotas = quotas;
        this.signedIn = signedIn;
        defaults.setId("quota-defaults");
        defaults.addClickListener(click -> new QuotaDefaultsDialog(quotas, signedIn.actor()).open());
        setSizeFull();
        newUser.setId("new-user");
        newUser.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newUser.addClickListener(click -> openNewUserDialog());
        HorizontalLayout header = Forms.pageHeader("Users", defaults, newUser);
        configureGrid();
        add(header, grid);
        refresh();
    }

    private void configureGrid() {
        grid.setId("users");
        // The Linux account as a quieter second line under the login it derives from: a column of its own pushed
        // the status under the frozen actions on a laptop screen.
        grid.addComponentColumn(UsersView::loginAndAccount).setHeader("Login name").setComparator(UserView::login)
                .setAutoWidth(true).setTooltipGenerator(user -> "created " + Forms.minute(user.createdAt())
                        + "; runs guests as the Linux account kvmp-" + user.login());
        grid.addColumn(UserView::displayName).setHeader("Display name").setSortable(true).setAutoWidth(true);
        grid.addColumn(user -> user.isAdmin() ? "Admin" : "User").setHeader("Role").setAutoWidth(true);
        grid.addColumn(this::usage).setHeader("Guests (running)").setAutoWidth(true)
                .setTooltipGenerator(user -> "in use of the quota; 'default' when the user has the default quota");
        grid.addComponentColumn(this::status).setHeader("Status").setAutoWidth(true);
        // Long logins widen the grid past a laptop's screen: the actions stay in view while the rest scrolls.
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0)
                .setFrozenToEnd(true);
    }

    private static Component loginAndAccount(UserView user) {
        Span login = new Span(user.login());
        Span account = new Span("kvmp-" + user.login());
        account.addClassName("secondary-line");
        VerticalLayout cell = new VerticalLayout(login, account);
        cell.setPadding(false);
        cell.setSpacing(false);
        return cell;
    }

    /** The quota a row shows, read once per refresh: the usage column and a disabled user's status both need it. */
    private QuotaView shownQuota(UserView user) {
        return shownQuotas.computeIfAbsent(user.id(), id -> quotas.view(signedIn.actor(), id));
    }

    private String usage(UserView user) {
        QuotaView quota = shownQuota(user);
        return quota.usage().guests() + " (" + quota.usage().runningGuests() + ") of " + quota.limits().guests()
                + " (" + quota.limits().runningGuests() + ")" + (quota.custom() ? "" : "*");
    }

    /** A disabled user's running guests keep running: the admin should see that, not assume otherwise. */
    private Component status(UserView user) {
        Span badge = new Span(user.enabled() ? "Enabled" : "Disabled");
        badge.getElement().getThemeList().add(user.enabled() ? "badge success" : "badge error");
        if (user.enabled()) {
            return badge;
        }
        int running = shownQuota(user).usage().runningGuests();
        if (running == 0) {
            return badge;
        }
        Span note = new Span(running + " guest(s) still running");
        note.addClassName("label");
        note.getElement().setAttribute("title", "Disabling stops nobody's guests; the user cannot act on them."
                + " Delete the user with their guests to stop them.");
        HorizontalLayout status = new HorizontalLayout(badge, note);
        status.setSpacing(true);
        status.setAlignItems(Alignment.CENTER);
        return status;
    }

    private Component actions(UserView user) {
        Button toggle = small(user.enabled() ? "Disable" : "Enable",
                () -> act(() -> {
                    String done = user.enabled() ? disabledMessage(user) : "Enabled " + user.login() + ".";
                    accounts.setEnabled(signedIn.actor(), user.id(), !user.enabled());
                    return done;
                }));
        Button password = small("Password", () -> new PasswordResetDialog(user,
                value -> accounts.resetPassword(signedIn.actor(), user.id(), value)).open());
        Button quota = small("Quota", () -> openQuotaDialog(user));
        Button delete = small("Delete", () -> confirmDelete(user));
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        HorizontalLayout actions = new HorizontalLayout(toggle, quota, password, delete);
        actions.setSpacing(false);
        actions.getElement().setAttribute("data-login", user.login());
        return actions;
    }

    private String disabledMessage(UserView user) {
        int running = quotas.view(signedIn.actor(), user.id()).usage().runningGuests();
        return "Disabled " + user.login() + "." + (running == 0 ? ""
                : " Their " + running + " running guest(s) keep running; they can no longer act on them.");
    }

    /** A user who still has guests can be deleted with them, in one go, after saying exactly what goes. */
    private void confirmDelete(UserView user) {
        QuotaView quota = quotas.view(signedIn.actor(), user.id());
        int guests = quota.usage().guests();
        String linuxAccount = "kvmp-" + user.login();
        String text = guests == 0
                ? "The account is removed, and the Linux account " + linuxAccount + " if the portal created it;"
                + " it can no longer sign in. This cannot be undone."
                : user.login() + " has " + guests + " guest(s), " + quota.usage().runningGuests() + " of them running."
                + " Deleting the account forces their guests off and deletes them with their disks, then removes the"
                + " Linux account " + linuxAccount + " if the portal created it. This cannot be undone.";
        String confirmText = guests == 0 ? "Delete" : "Delete user and " + guests + " guest(s)";
        ConfirmDialog confirm = new ConfirmDialog("Delete " + user.login() + "?", text, confirmText,
                yes -> deleteUser(user, guests));
        confirm.setConfirmButtonTheme("error primary");
        confirm.setCancelable(true);
        confirm.open();
    }

    /** Deletes the user, saying so, and saying too if their Linux account stayed (the portal did not create it). */
    private void deleteUser(UserView user, int guests) {
        act(() -> {
            UserRemoval.Deletion deletion = removal.delete(signedIn.actor(), user.id(), guests > 0);
            String deleted = "Deleted " + user.login() + (guests == 0 ? "." : " and their " + guests + " guest(s).");
            return deletion.accountLeft().map(left -> deleted + " " + left).orElse(deleted);
        });
    }

    private void openQuotaDialog(UserView user) {
        QuotaDialog dialog = new QuotaDialog(quotas, signedIn.actor(), user.id(), user.login());
        dialog.addOpenedChangeListener(change -> {
            if (!change.isOpened()) {
                refresh();
            }
        });
        dialog.open();
    }

    private void openNewUserDialog() {
        NewUserDialog dialog = new NewUserDialog(request -> accounts.create(signedIn.actor(), request));
        dialog.addOpenedChangeListener(change -> {
            if (!change.isOpened()) {
                refresh();
            }
        });
        dialog.open();
    }

    /** Runs an admin's action, which answers what to tell them; a refusal is shown instead. */
    private void act(Supplier<String> action) {
        try {
            Notifications.success(action.get());
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
        refresh();
    }

    private void refresh() {
        shownQuotas.clear();
        grid.setItems(accounts.list(signedIn.actor()));
        // Auto widths are measured once; a deleted long login would otherwise keep its columns wide.
        grid.recalculateColumnWidths();
    }

    private static Button small(String text, Runnable action) {
        Button button = new Button(text, click -> action.run());
        button.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        return button;
    }
}
