package io.kvmportal.account;

import io.kvmportal.agent.AccountNames;
import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agentlink.AgentFaults;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditTarget;
import io.kvmportal.persistence.DataAccessException;
import io.kvmportal.text.VisibleText;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Portal accounts: who exists, with which role, and whether they may sign in. Every method that changes
 * something takes the acting user, checks that they may do it, and records the outcome in the audit log.
 */
@Singleton
public class AccountService {
    static final int MAX_DISPLAY_NAME = 100;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher<AccessRevoked> revocations;
    private final HostAgent agent;
    private final TransactionOperations<Connection> transactions;

    public AccountService(UserRepository users, PasswordHasher hasher, AuditLog audit, Clock clock,
                          ApplicationEventPublisher<AccessRevoked> revocations, HostAgent agent,
                          TransactionOperations<Connection> transactions) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.revocations = revocations;
        this.agent = agent;
        this.transactions = transactions;
    }

    @ReadOnly
    public List<UserView> list(Actor actor) {
        requireAdmin(actor);
        return users.findAll().stream().map(User::view).toList();
    }

    /** The account behind a session or token, if it still exists; callers check {@code enabled}. */
    @ReadOnly
    public Optional<UserView> find(long id) {
        return users.findById(id).map(User::view);
    }

    @ReadOnly
    public boolean hasAccounts() {
        return users.count() > 0;
    }

    /**
     * What a password check of this login needs, read in a short read-only transaction of its own: the comparison
     * ({@link PasswordCheck#verify}) comes after it and holds no database connection while bcrypt runs.
     */
    public PasswordCheck passwordCheck(String login) {
        Optional<User> user = LoginName.isValid(login)
                ? transactions.executeRead(status -> users.findByLogin(login)) : Optional.empty();
        return new PasswordCheck(user.orElse(null), hasher);
    }

    /** Answers the account if the password is its own, comparing in the caller's thread (see passwordCheck). */
    public Optional<UserView> checkPassword(String login, String password) {
        return passwordCheck(login).verify(password);
    }

    @Transactional
    public UserView create(Actor actor, NewUser request) {
        try {
            requireAdmin(actor);
            UserView created = createUnchecked(request);
            audit.success(actor.id(), actor.login(), AuditAction.USER_CREATED,
                    AuditTarget.user(created.id(), created.login()));
            return created;
        } catch (PortalException refused) {
            // A refused account has no id yet: the entry names the login that was asked for.
            audit.failure(actor.id(), actor.login(), AuditAction.USER_CREATED,
                    new AuditTarget("user", null, String.valueOf(request.login()), null), refused.getMessage());
            throw refused;
        }
    }

    /** Creates the first admin on an empty database; nobody is signed in yet to act. */
    @Transactional
    UserView createFirstAdmin(String password) {
        if (users.count() > 0) {
            throw AccountException.conflict("The portal already has accounts.");
        }
        UserView admin = createUnchecked(new NewUser("admin", "Administrator", password, Role.ADMIN));
        audit.success(null, "(first start)", AuditAction.USER_CREATED, AuditTarget.user(admin.id(), admin.login()));
        return admin;
    }

    @Transactional
    public void changeOwnPassword(Actor actor, String currentPassword, String newPassword) {
        audit.record(actor, AuditAction.PASSWORD_CHANGED, AuditTarget.user(actor.id(), actor.login()), () -> {
            User self = users.findById(actor.id()).orElseThrow(() -> AccountException.notFound(actor.id()));
            if (currentPassword == null || !hasher.matches(currentPassword, self.passwordHash())) {
                throw AccountException.invalid("The current password is not correct.");
            }
            PasswordPolicy.check(self.login(), newPassword);
            if (newPassword.equals(currentPassword)) {
                throw AccountException.invalid("The new password must differ from the current one.");
            }
            users.updatePasswordHash(self.id(), hasher.hash(newPassword), clock.instant());
        });
    }

    @Transactional
    public void resetPassword(Actor actor, long userId, String newPassword) {
        audit.record(actor, AuditAction.PASSWORD_RESET, target(actor, userId), () -> {
            requireAdmin(actor);
            User user = users.findById(userId).orElseThrow(() -> AccountException.notFound(userId));
            PasswordPolicy.check(user.login(), newPassword);
            users.updatePasswordHash(userId, hasher.hash(newPassword), clock.instant());
        });
    }

    @Transactional
    public UserView setEnabled(Actor actor, long userId, boolean enabled) {
        AuditAction action = enabled ? AuditAction.USER_ENABLED : AuditAction.USER_DISABLED;
        return audit.record(actor, action, target(actor, userId), () -> {
            requireAdmin(actor);
            User user = users.findById(userId).orElseThrow(() -> AccountException.notFound(userId));
            if (!enabled) {
                if (user.id() == actor.id()) {
                    throw AccountException.conflict("You cannot disable your own account.");
                }
                refuseIfLastAdmin(user, "disable");
            }
            users.updateEnabled(userId, enabled, clock.instant());
            if (!enabled) {
                revocations.publishEvent(new AccessRevoked(userId, user.login(), false));
            }
            return users.findById(userId).orElseThrow().view();
        });
    }

    /**
     * The user, if the actor may delete them once their guests are gone: checked before those guests are deleted, so a
     * refusal (yourself, the last admin) costs nobody their guests. A refusal is audited as a failed deletion.
     */
    @ReadOnly
    public UserView requireDeletable(Actor actor, long userId) {
        try {
            return deletable(actor, userId).view();
        } catch (PortalException refused) {
            audit.failure(actor.id(), actor.login(), AuditAction.USER_DELETED, target(actor, userId),
                    refused.getMessage());
            throw refused;
        }
    }

    /**
     * Deletes a user who has no guests, and with them their Linux account and its /dev/kvm entry. The account goes
     * inside the transaction, last: if the host refuses (something still runs as it), the user stays, so the
     * deletion can be tried again; an account left behind with no user would be nobody's to remove. An account this
     * portal did not create (an administrator's, another portal's) is not the portal's to remove: it stays, the user
     * goes all the same, and the audit entry says so. Answers those words when it happens, for the admin to read.
     */
    @Transactional
    public Optional<String> delete(Actor actor, long userId) {
        return Optional.ofNullable(audit.recordWithNote(actor, AuditAction.USER_DELETED, target(actor, userId), () -> {
            User user = deletable(actor, userId);
            long guests = users.countGuests(userId);
            if (guests > 0) {
                throw AccountException.conflict("'" + user.login() + "' still has " + guests
                        + " guest(s); delete them first.");
            }
            users.delete(userId);
            revocations.publishEvent(new AccessRevoked(userId, user.login(), true));
            return removeLinuxAccount(user.login());
        }));
    }

    /**
     * Null once the account is gone (or never was); otherwise the audit's note on the account left in place. An
     * unreachable agent is a 503, and the caller's transaction keeps the portal account.
     */
    private String removeLinuxAccount(String login) {
        AccountRemoval removal;
        try {
            removal = agent.removeAccount(login);
        } catch (HostUnreachableException e) {
            throw AgentFaults.unreachable(e);
        } catch (RuntimeException e) {
            throw new AccountException(Fault.HOST_FAILED, "Could not remove the Linux account of '" + login + "': "
                    + e.getMessage());
        }
        return removal.leftInPlace() ? "The Linux account " + AccountNames.of(login)
                + " and its /dev/kvm entry were left in place: " + removal.reason() + "." : null;
    }

    private User deletable(Actor actor, long userId) {
        requireAdmin(actor);
        User user = users.findById(userId).orElseThrow(() -> AccountException.notFound(userId));
        if (user.id() == actor.id()) {
            throw AccountException.conflict("You cannot delete your own account.");
        }
        refuseIfLastAdmin(user, "delete");
        return user;
    }

    /**
     * Names the account in the entry for admins only: a refused non-admin sees their own entries, and must not
     * learn other users' logins from them.
     */
    private AuditTarget target(Actor actor, long userId) {
        String login = actor != null && actor.admin()
                ? users.findById(userId).map(User::login).orElse("#" + userId) : "#" + userId;
        return AuditTarget.user(userId, login);
    }

    private UserView createUnchecked(NewUser request) {
        String login = LoginName.require(request.login());
        String displayName = displayName(request.displayName(), login);
        PasswordPolicy.check(login, request.password());
        Role role = request.role() == null ? Role.USER : request.role();
        if (users.findByLogin(login).isPresent()) {
            throw AccountException.conflict("The login name '" + login + "' is taken.");
        }
        try {
            long id = users.insert(login, displayName, hasher.hash(request.password()), role, clock.instant());
            return users.findById(id).orElseThrow().view();
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw AccountException.conflict("The login name '" + login + "' is taken.");
            }
            throw e;
        }
    }

    private void refuseIfLastAdmin(User user, String verb) {
        if (user.isAdmin() && user.enabled() && users.lockEnabledAdmins() <= 1) {
            throw AccountException.conflict("'" + user.login() + "' is the last enabled admin; you cannot "
                    + verb + " them. Make another user an admin first.");
        }
    }

    private static String displayName(String requested, String login) {
        String name = requested == null ? "" : requested.strip();
        if (name.isEmpty()) {
            return login;
        }
        if (name.length() > MAX_DISPLAY_NAME) {
            throw AccountException.invalid("A display name has at most " + MAX_DISPLAY_NAME + " characters.");
        }
        VisibleText.problem(name).ifPresent(problem -> {
            throw AccountException.invalid("The display name has " + problem + ", which is not allowed: "
                    + VisibleText.RULE + ".");
        });
        return name;
    }

    static void requireAdmin(Actor actor) {
        if (actor == null || !actor.admin()) {
            throw new AccountException(Fault.FORBIDDEN, "Only an admin may do this.");
        }
    }
}
