package io.kvmportal.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.api.Fault;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditEvent;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditQuery;
import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.KvmGrant;
import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.testing.ForeignAccount;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.KvmHostKind;
import io.kvmportal.host.testing.TestNames;
import io.kvmportal.persistence.Sql;
import io.kvmportal.testing.DatabaseTest;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The account rules, run on every database (see the subclasses). */
abstract class AccountServiceContract extends DatabaseTest {
    static final String PASSWORD = "correct-horse-battery";
    @Inject
    AccountService accounts;
    @Inject
    Cleaner cleaner;
    @Inject
    AuditLog audit;
    @Inject
    HostAgent agent;
    UserView admin;

    @jakarta.inject.Singleton
    static class Cleaner {
        @Inject
        Sql sql;

        @Transactional
        List<String> appliedMigrations() {
            return sql.list("SELECT \"version\", \"success\" FROM \"flyway_schema_history\""
                    + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"",
                    row -> row.getString(1) + ":" + row.getBoolean(2));
        }

        @Transactional
        void deleteAll() {
            sql.update("DELETE FROM audit_event");
            sql.update("DELETE FROM api_token");
            sql.update("DELETE FROM portal_user");
        }
    }

    @BeforeEach
    void freshAdmin() {
        cleaner.deleteAll();
        admin = accounts.createFirstAdmin(PASSWORD);
    }

    @Test
    void migrationsCreatedTheSchema() {
        MigrationInfoService migrations = Flyway.configure()
                .dataSource(database().url(), database().user(), "").load().info();
        assertEquals(0, migrations.pending().length, "every migration on the classpath is applied");
        assertTrue(migrations.applied().length >= 3);
        assertTrue(cleaner.appliedMigrations().stream().allMatch(entry -> entry.endsWith(":true")));
        assertTrue(accounts.hasAccounts());
        assertEquals(Role.ADMIN, admin.role());
        assertEquals("admin", admin.login());
    }

    @Test
    void createsAUserWhoCanSignIn() {
        UserView alice = accounts.create(admin.actor(), new NewUser("alice", "Alice A.", "alice-password-1", null));
        assertEquals(Role.USER, alice.role());
        assertTrue(alice.enabled());
        assertTrue(accounts.checkPassword("alice", "alice-password-1").isPresent());
        assertTrue(accounts.checkPassword("alice", "wrong-password-1").isEmpty());
        assertTrue(accounts.checkPassword("nobody", "alice-password-1").isEmpty());
        assertEquals(List.of("admin", "alice"), accounts.list(admin.actor()).stream().map(UserView::login).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Alice", "1abc", "-abc", "al ice", "al_ice", "abcdefghijklmnopqrstuvwxyz12",
            "ali;rm", "alice\n"})
    void refusesBadLoginNames(String login) {
        AccountException refusal = assertThrows(AccountException.class,
                () -> accounts.create(admin.actor(), new NewUser(login, null, "long-enough-pw", Role.USER)));
        assertEquals(Fault.INVALID_INPUT, refusal.fault());
        assertTrue(refusal.getMessage().contains(LoginName.RULE), refusal.getMessage());
    }

    @Test
    void acceptsLoginNamesAtTheLimits() {
        accounts.create(admin.actor(), new NewUser("ab", null, "long-enough-pw", Role.USER));
        accounts.create(admin.actor(), new NewUser("a-b-c-d-e-f-g-h-i-j-k-l-m-n", null, "long-enough-pw", Role.USER));
        assertEquals(3, accounts.list(admin.actor()).size());
    }

    @Test
    void refusesWeakPasswordsAndDuplicates() {
        assertEquals(Fault.INVALID_INPUT, assertThrows(AccountException.class,
                () -> accounts.create(admin.actor(), new NewUser("bob", null, "short", Role.USER))).fault());
        assertEquals(Fault.INVALID_INPUT, assertThrows(AccountException.class,
                () -> accounts.create(admin.actor(), new NewUser("bobbobbobbob", null, "bobbobbobbob", Role.USER))).fault());
        assertEquals(Fault.INVALID_INPUT, assertThrows(AccountException.class,
                () -> accounts.create(admin.actor(), new NewUser("bob", null, "x".repeat(73), Role.USER))).fault());
        accounts.create(admin.actor(), new NewUser("bob", null, "bob-password-1", Role.USER));
        AccountException duplicate = assertThrows(AccountException.class,
                () -> accounts.create(admin.actor(), new NewUser("bob", null, "bob-password-2", Role.USER)));
        assertEquals(Fault.CONFLICT, duplicate.fault());
        assertEquals(2, accounts.list(admin.actor()).size());
    }

    @Test
    void onlyAdminsManageAccounts() {
        UserView carol = accounts.create(admin.actor(), new NewUser("carol", null, "carol-password", Role.USER));
        assertEquals(Fault.FORBIDDEN, assertThrows(AccountException.class, () -> accounts.list(carol.actor())).fault());
        assertEquals(Fault.FORBIDDEN, assertThrows(AccountException.class,
                () -> accounts.create(carol.actor(), new NewUser("dave", null, "dave-password", Role.ADMIN))).fault());
        assertEquals(Fault.FORBIDDEN, assertThrows(AccountException.class,
                () -> accounts.setEnabled(carol.actor(), admin.id(), false)).fault());
        assertEquals(Fault.FORBIDDEN, assertThrows(AccountException.class,
                () -> accounts.delete(carol.actor(), admin.id())).fault());
        assertEquals(Fault.FORBIDDEN, assertThrows(AccountException.class,
                () -> accounts.resetPassword(carol.actor(), admin.id(), "taken-over-pw")).fault());
        assertTrue(accounts.checkPassword("admin", PASSWORD).isPresent());
    }

    @Test
    void changesOwnPasswordOnlyWithTheCurrentOne() {
        UserView erin = accounts.create(admin.actor(), new NewUser("erin", null, "erin-password-1", Role.USER));
        assertThrows(AccountException.class, () -> accounts.changeOwnPassword(erin.actor(), "wrong", "erin-password-2"));
        assertThrows(AccountException.class, () -> accounts.changeOwnPassword(erin.actor(), "erin-password-1", "short"));
        accounts.changeOwnPassword(erin.actor(), "erin-password-1", "erin-password-2");
        assertTrue(accounts.checkPassword("erin", "erin-password-1").isEmpty());
        assertTrue(accounts.checkPassword("erin", "erin-password-2").isPresent());
    }

    @Test
    void adminResetsAPasswordAndDisablesAndEnables() {
        UserView frank = accounts.create(admin.actor(), new NewUser("frank", null, "frank-password", Role.USER));
        accounts.resetPassword(admin.actor(), frank.id(), "frank-new-password");
        assertTrue(accounts.checkPassword("frank", "frank-new-password").isPresent());
        assertFalse(accounts.setEnabled(admin.actor(), frank.id(), false).enabled());
        assertFalse(accounts.find(frank.id()).orElseThrow().enabled());
        assertTrue(accounts.setEnabled(admin.actor(), frank.id(), true).enabled());
    }

    @Test
    void refusesToRemoveYourselfOrTheLastAdmin() {
        assertEquals(Fault.CONFLICT, assertThrows(AccountException.class,
                () -> accounts.delete(admin.actor(), admin.id())).fault());
        assertEquals(Fault.CONFLICT, assertThrows(AccountException.class,
                () -> accounts.setEnabled(admin.actor(), admin.id(), false)).fault());
        assertEquals(Fault.NOT_FOUND, assertThrows(AccountException.class,
                () -> accounts.delete(admin.actor(), 987654)).fault());
        // A test login: deleting its user runs userdel kvmp-<login>, which must never name someone else's.
        UserView grace = accounts.create(admin.actor(), new NewUser("kvmptest-grace", null, "grace-password",
                Role.USER));
        accounts.delete(admin.actor(), grace.id());
        assertTrue(accounts.find(grace.id()).isEmpty());
    }

    /** The Linux account a user's guests ran as goes with the user, and its /dev/kvm entry with it. */
    @Test
    void deletingAUserRemovesTheirLinuxAccountAndItsKvmEntry() {
        String login = TestNames.random();
        try {
            UserView user = accounts.create(admin.actor(), new NewUser(login, null, "linux-user-password", Role.USER));
            LinuxAccount account = prepareAccount(login); // as their first guest does
            assertEquals(hostHasKvm(), kvmGrantees().contains(account.name().value()), kvmGrantees().toString());

            assertEquals(Optional.empty(), accounts.delete(admin.actor(), user.id()), "nothing left to mention");

            assertEquals(Optional.empty(), LinuxAccounts.lookup(account.name()));
            assertFalse(kvmGrantees().contains(account.name().value())
                    || kvmGrantees().contains(Integer.toString(account.uid())), kvmGrantees().toString());
            AuditEvent entry = audit.find(admin.actor(), AuditQuery.latest(1)).get(0);
            assertEquals(AuditAction.USER_DELETED + " " + login + " true null", entry.action() + " "
                    + entry.targetName() + " " + entry.success() + " " + entry.reason());
        } finally {
            HostLeftovers.removeAccountOf(login);
        }
    }

    /**
     * A Linux account of the user's name that this portal did not create: made by an administrator or an older
     * portal (no mark), or by another portal or a test run next to it (another installation's mark), here with
     * useradd. The portal adopts it for the user's guests, but it is not the portal's to remove: the user goes, the
     * account and its /dev/kvm entry stay, and the audit entry says so and why.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                                            | LEFT_UNMARKED",
        "kvm-portal 00112233445566778899aabbccddeeff | LEFT_OTHER_INSTALLATION"})
    void deletingAUserLeavesALinuxAccountThisPortalDidNotCreate(String comment, AccountRemoval expected) {
        String login = TestNames.random();
        LinuxAccountName name = LinuxAccountName.forLogin(login);
        try {
            LinuxAccount foreign = ForeignAccount.create(name, comment);
            UserView user = accounts.create(admin.actor(), new NewUser(login, null, "linux-user-password", Role.USER));
            assertEquals(foreign, prepareAccount(login)); // as their first guest does
            assertEquals(hostHasKvm(), kvmGrantees().contains(name.value()), kvmGrantees().toString());

            Optional<String> left = accounts.delete(admin.actor(), user.id());

            assertTrue(accounts.find(user.id()).isEmpty());
            assertEquals(Optional.of(foreign), LinuxAccounts.lookup(name));
            assertEquals(hostHasKvm(), kvmGrantees().contains(name.value()), kvmGrantees().toString());
            AuditEvent entry = audit.find(admin.actor(), AuditQuery.latest(1)).get(0);
            assertEquals(AuditAction.USER_DELETED + " " + login + " true", entry.action() + " " + entry.targetName()
                    + " " + entry.success());
            assertEquals("The Linux account " + name + " and its /dev/kvm entry were left in place: "
                    + expected.reason() + ".", entry.reason());
            assertEquals(Optional.of(entry.reason()), left, "the admin reads what the audit entry says");
        } finally {
            HostLeftovers.removeAccountOf(login);
        }
    }

    /** Something still runs as the user's account: the user stays, to be deleted again, and the refusal is audited. */
    @Test
    void aUserWhoseAccountStillRunsAProcessIsNotDeleted() throws Exception {
        String login = TestNames.random();
        try {
            UserView user = accounts.create(admin.actor(), new NewUser(login, null, "linux-user-password", Role.USER));
            LinuxAccount account = prepareAccount(login);
            Process sleeper = new ProcessBuilder("setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid(),
                    "--clear-groups", "--", "sleep", "300").start();
            try {
                AccountException refused = assertThrows(AccountException.class,
                        () -> accounts.delete(admin.actor(), user.id()));
                assertEquals(Fault.HOST_FAILED, refused.fault());
                assertTrue(refused.getMessage().contains("currently used by process " + sleeper.pid()),
                        refused.getMessage());
                assertTrue(accounts.find(user.id()).isPresent());
                AuditEvent entry = audit.find(admin.actor(), AuditQuery.latest(1)).get(0);
                assertEquals(AuditAction.USER_DELETED + " " + login + " false", entry.action() + " "
                        + entry.targetName() + " " + entry.success());
                assertEquals(refused.getMessage(), entry.reason());
            } finally {
                sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            accounts.delete(admin.actor(), user.id());
            assertTrue(accounts.find(user.id()).isEmpty());
            assertEquals(Optional.empty(), LinuxAccounts.lookup(account.name()));
        } finally {
            HostLeftovers.removeAccountOf(login);
        }
    }

    @Test
    void changesAndRefusalsAreAuditedAndUsersSeeOnlyTheirOwn() {
        UserView hank = accounts.create(admin.actor(), new NewUser("hank", null, "hank-password", Role.USER));
        assertThrows(AccountException.class, () -> accounts.delete(admin.actor(), admin.id()));
        assertThrows(AccountException.class, () -> accounts.list(hank.actor()));
        accounts.changeOwnPassword(hank.actor(), "hank-password", "hank-password-2");

        List<AuditEvent> all = audit.find(admin.actor(), AuditQuery.latest(100));
        assertEquals(List.of("PASSWORD_CHANGED hank true", "USER_DELETED admin false", "USER_CREATED hank true",
                "USER_CREATED admin true"), all.stream()
                .map(event -> event.action() + " " + event.targetName() + " " + event.success()).toList());
        AuditEvent refused = all.get(1);
        assertEquals("admin", refused.actorLogin());
        assertEquals("You cannot delete your own account.", refused.reason());

        List<AuditEvent> hanks = audit.find(hank.actor(), AuditQuery.latest(100));
        assertEquals(List.of("PASSWORD_CHANGED", "USER_CREATED"),
                hanks.stream().map(event -> event.action().name()).toList());
        assertEquals(List.of("USER_DELETED"), audit.find(admin.actor(),
                new AuditQuery(null, AuditAction.USER_DELETED, null, null, null, 10)).stream()
                .map(event -> event.action().name()).toList());
    }

    /** A user sees the entries of their own refused attempts; those must not tell them who else has an account. */
    @Test
    void refusedAttemptsOnOtherAccountsDoNotNameThem() {
        UserView ines = accounts.create(admin.actor(), new NewUser("ines", null, "ines-password", Role.USER));
        UserView secret = accounts.create(admin.actor(), new NewUser("secretive", null, "secret-password", Role.USER));
        assertThrows(AccountException.class, () -> accounts.setEnabled(ines.actor(), secret.id(), false));
        assertThrows(AccountException.class, () -> accounts.resetPassword(ines.actor(), secret.id(), "taken-over-pw"));
        assertThrows(AccountException.class, () -> accounts.delete(ines.actor(), secret.id()));

        List<AuditEvent> seenByInes = audit.find(ines.actor(), AuditQuery.latest(100));
        assertEquals(List.of("USER_DELETED #" + secret.id(), "PASSWORD_RESET #" + secret.id(),
                "USER_DISABLED #" + secret.id()), seenByInes.stream().filter(event -> !event.success())
                .map(event -> event.action() + " " + event.targetName()).toList());
        accounts.setEnabled(admin.actor(), secret.id(), false);
        assertEquals("secretive", audit.find(admin.actor(), AuditQuery.latest(1)).get(0).targetName(),
                "admins' entries still name the account");
    }

    /** Two admins deleting each other at the same moment: the row locks let exactly one succeed. */
    @Test
    void twoAdminsDeletingEachOtherLeaveOne() throws Exception {
        for (int round = 0; round < 5; round++) {
            cleaner.deleteAll();
            UserView first = accounts.createFirstAdmin(PASSWORD);
            UserView second = accounts.create(first.actor(), new NewUser("kvmptest-second", null, PASSWORD,
                    Role.ADMIN));
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
            for (UserView[] pair : new UserView[][] {{first, second}, {second, first}}) {
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(5, TimeUnit.SECONDS);
                        accounts.delete(pair[0].actor(), pair[1].id());
                        return true;
                    } catch (AccountException refused) {
                        return false;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            long succeeded = attempts.stream().filter(CompletableFuture::join).count();
            assertEquals(1, succeeded, "round " + round);
            assertEquals(1, accounts.list(accounts.find(first.id()).or(() -> accounts.find(second.id()))
                    .orElseThrow().actor()).size());
        }
    }

    /** As a user's first guest does: the agent makes the login's account with the guest's disk. */
    private LinuxAccount prepareAccount(String login) {
        UUID guest = UUID.randomUUID();
        agent.createDisk(guest, login, Optional.empty(), 1L << 30);
        agent.deleteGuest(guest, login);
        return LinuxAccounts.lookup(LinuxAccountName.forLogin(login)).orElseThrow();
    }

    /** The entry is on the real /dev/kvm, so there is one only on a host with the device (KVM or nested PVM). */
    private static boolean hostHasKvm() {
        return KvmHostKind.observed() != KvmHostKind.NO_DEVICE;
    }

    private static List<String> kvmGrantees() {
        return new KvmAccess().grants().stream().map(KvmGrant::user).toList();
    }
}
