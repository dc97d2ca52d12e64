package io.kvmportal.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.persistence.Sql;
import io.kvmportal.quota.QuotaException;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.quota.QuotaView;
import io.kvmportal.testing.DatabaseTest;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quotas and the guest registry on every database: limits hold under bursts of parallel requests. */
abstract class GuestQuotaContract extends DatabaseTest {
    static final int BURST = 40;
    @Inject
    AccountService accounts;
    @Inject
    QuotaService quotas;
    @Inject
    GuestRegistry registry;
    @Inject
    Cleaner cleaner;
    @Inject
    GuestChangeFeed feed;
    @Inject
    io.micronaut.transaction.TransactionOperations<?> transactions;
    Actor admin;
    Actor user;

    @Singleton
    static class Cleaner {
        @Inject
        Sql sql;

        @Transactional
        void deleteGuestsAndUsersBut(String login) {
            sql.update("DELETE FROM guest");
            sql.update("DELETE FROM quota");
            sql.update("DELETE FROM portal_user WHERE login <> ?", login);
        }
    }

    @BeforeEach
    void freshUser() {
        cleaner.deleteGuestsAndUsersBut("admin");
        admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        user = accounts.create(admin, new NewUser("quinn", null, "quinn-password", Role.USER)).actor();
    }

    @Override
    public java.util.Map<String, String> getProperties() {
        java.util.Map<String, String> properties = new java.util.HashMap<>(super.getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        return properties;
    }

    @Test
    void openPagesHearOfEachCommittedChangeAndOfNothingRolledBack() throws Exception {
        java.util.concurrent.BlockingQueue<GuestChanged> heard = new java.util.concurrent.LinkedBlockingQueue<>();
        Runnable unsubscribe = feed.subscribe(heard::add);
        try {
            Guest web = registry.reserveNew(user, new NewGuest("web", null, 1, 256, 1));
            assertEquals(new GuestChanged(user.id(), web.id()), heard.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            registry.advance(web.id(), GuestState.CREATING, GuestState.STOPPED, null);
            assertEquals(new GuestChanged(user.id(), web.id()), heard.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse(registry.advance(web.id(), GuestState.CREATING, GuestState.STOPPED, null));

            // A change inside a transaction that rolls back is never announced; one that commits is, after the commit.
            assertThrows(IllegalStateException.class, () -> transactions.executeWrite(status -> {
                registry.rename(user, web.id(), "rolled-back");
                throw new IllegalStateException("roll back");
            }));
            transactions.executeWrite(status -> {
                registry.rename(user, web.id(), "renamed");
                try {
                    assertEquals(null, heard.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS),
                            "not announced before the commit");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            assertEquals(new GuestChanged(user.id(), web.id()), heard.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            registry.forget(web.id());
            assertEquals(new GuestChanged(user.id(), web.id()), heard.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            Thread.sleep(200);
            assertEquals(List.of(), new ArrayList<>(heard), "the refused advance and the rollback said nothing");
        } finally {
            unsubscribe.run();
        }
    }

    @Test
    void usersHaveTheDefaultsUntilAnAdminSetsTheirOwn() {
        QuotaView initial = quotas.view(user, user.id());
        assertFalse(initial.custom());
        assertEquals(quotas.defaults(admin), initial.limits());
        QuotaLimits custom = new QuotaLimits(9, 3, 6, 8192, 100);
        assertEquals(custom, quotas.setLimits(admin, user.id(), custom).limits());
        assertTrue(quotas.view(user, user.id()).custom());
        assertFalse(quotas.resetToDefaults(admin, user.id()).custom());
    }

    @Test
    void onlyAdminsSetQuotasAndUsersSeeOnlyTheirOwn() {
        Actor other = accounts.create(admin, new NewUser("otto", null, "otto-password", Role.USER)).actor();
        assertFault(Fault.FORBIDDEN, () -> quotas.setLimits(user, user.id(), new QuotaLimits(99, 99, 99, 99, 99)));
        assertFault(Fault.NOT_FOUND, () -> quotas.view(user, other.id()));
        assertFault(Fault.NOT_FOUND, () -> quotas.setLimits(admin, 987654, new QuotaLimits(1, 1, 1, 1, 1)));
        QuotaException invalid = assertThrows(QuotaException.class,
                () -> quotas.setLimits(admin, user.id(), new QuotaLimits(-1, 2, -3, 4, 5)));
        assertTrue(invalid.getMessage().contains("guests -1") && invalid.getMessage().contains("vCPUs -3"),
                invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-web", "web server", "web/1", "web;rm", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ünïcode", "web\n"})
    void badGuestNamesAreRefused(String name) {
        assertFault(Fault.INVALID_INPUT, () -> registry.reserveNew(user, new NewGuest(name, null, 1, 256, 1)));
        assertTrue(registry.list(user).isEmpty());
    }

    @Test
    void badSizesAreRefusedAllAtOnce() {
        PortalException refused = assertThrows(PortalException.class,
                () -> registry.reserveNew(user, new NewGuest("web", null, 0, 16, -1)));
        assertTrue(refused.getMessage().contains("vCPUs 0") && refused.getMessage().contains("memory 16 MiB")
                && refused.getMessage().contains("disk -1 GiB"), refused.getMessage());
    }

    @Test
    void namesAreUniquePerOwnerAndOthersGuestsDoNotExist() {
        Guest web = registry.reserveNew(user, new NewGuest("web", null, 1, 256, 1));
        assertFault(Fault.CONFLICT, () -> registry.reserveNew(user, new NewGuest("web", null, 1, 256, 1)));
        Actor other = accounts.create(admin, new NewUser("olga", null, "olga-password", Role.USER)).actor();
        registry.reserveNew(other, new NewGuest("web", null, 1, 256, 1));
        assertFault(Fault.NOT_FOUND, () -> registry.get(other, web.id()));
        assertFault(Fault.NOT_FOUND, () -> registry.reserveStart(other, web.id()));
        assertFault(Fault.CONFLICT, () -> accounts.delete(admin, other.id()));
    }

    @Test
    void parallelCreatesNeverExceedTheGuestLimit() throws Exception {
        quotas.setLimits(admin, user.id(), new QuotaLimits(5, 5, 64, 65536, 1000));
        List<Boolean> results = burst(i -> () -> registry.reserveNew(user, new NewGuest("g" + i, null, 1, 256, 1)));
        assertEquals(5, results.stream().filter(ok -> ok).count());
        assertEquals(5, registry.list(user).size());
        assertEquals(5, quotas.view(user, user.id()).usage().guests());
    }

    @Test
    void parallelCreatesNeverExceedTheDiskLimit() throws Exception {
        quotas.setLimits(admin, user.id(), new QuotaLimits(100, 5, 64, 65536, 10));
        burst(i -> () -> registry.reserveNew(user, new NewGuest("d" + i, null, 1, 256, 4)));
        assertEquals(2, registry.list(user).size());
        assertEquals(8, quotas.view(user, user.id()).usage().diskGib());
    }

    @Test
    void parallelStartsNeverExceedTheRunningLimitsAndALowerLimitStopsNothing() throws Exception {
        quotas.setLimits(admin, user.id(), new QuotaLimits(100, 3, 64, 65536, 1000));
        List<Guest> stopped = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Guest guest = registry.reserveNew(user, new NewGuest("s" + i, null, 1, 256, 1));
            assertTrue(registry.advance(guest.id(), GuestState.CREATING, GuestState.STOPPED, null));
            stopped.add(guest);
        }
        burst(i -> () -> registry.reserveStart(user, stopped.get(i % stopped.size()).id()));
        assertEquals(3, countIn(GuestState.STARTING));
        assertEquals(3, quotas.view(user, user.id()).usage().runningGuests());

        quotas.setLimits(admin, user.id(), new QuotaLimits(100, 1, 64, 65536, 1000));
        assertEquals(3, countIn(GuestState.STARTING), "a lowered limit stops nothing");
        Guest idle = registry.list(user).stream().filter(g -> g.state() == GuestState.STOPPED).findFirst().orElseThrow();
        assertFault(Fault.CONFLICT, () -> registry.reserveStart(user, idle.id()));
    }

    @Test
    void memoryAndVcpuLimitsCountRunningGuestsOnly() {
        quotas.setLimits(admin, user.id(), new QuotaLimits(10, 10, 3, 1024, 100));
        Guest big = registry.reserveNew(user, new NewGuest("big", null, 2, 768, 1));
        Guest small = registry.reserveNew(user, new NewGuest("small", null, 2, 256, 1));
        registry.advance(big.id(), GuestState.CREATING, GuestState.STOPPED, null);
        registry.advance(small.id(), GuestState.CREATING, GuestState.STOPPED, null);
        registry.reserveStart(user, big.id());
        QuotaException refused = assertThrows(QuotaException.class, () -> registry.reserveStart(user, small.id()));
        assertTrue(refused.getMessage().contains("vCPUs"), refused.getMessage());
        assertFault(Fault.CONFLICT, () -> registry.reserveStart(user, big.id()));
    }

    private long countIn(GuestState state) {
        return registry.list(user).stream().filter(guest -> guest.state() == state).count();
    }

    /** Runs {@link #BURST} requests at once; answers which succeeded. Refusals must be quota or state refusals. */
    private static List<Boolean> burst(IntFunction<Callable<?>> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                Callable<?> call = request.apply(i);
                futures.add(pool.submit(() -> {
                    try {
                        call.call();
                        return true;
                    } catch (PortalException refused) {
                        assertEquals(Fault.CONFLICT, refused.fault(), refused.getMessage());
                        return false;
                    }
                }));
            }
            List<Boolean> results = new ArrayList<>();
            for (Future<Boolean> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertFault(Fault fault, org.junit.jupiter.api.function.Executable call) {
        assertEquals(fault, assertThrows(PortalException.class, call).fault());
    }
}
