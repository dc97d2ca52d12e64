package io.kvmportal.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.RunState;
import io.kvmportal.agentlink.AgentLink;
import io.kvmportal.agentlink.FakeAgent;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.api.PortalException;
import io.kvmportal.persistence.Sql;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.quota.QuotaUsage;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.testing.TestRows;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The guest feature against an in-memory agent ({@link FakeAgent}) that can be lost and come back: an unreachable
 * agent is a 503 that changes no guest, its events move guests, and its return reconciles them from its truth.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAgentFailuresTest implements TestPropertyProvider {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    @Inject
    GuestService guests;
    @Inject
    GuestRegistry registry;
    @Inject
    GuestLifecycleEvents lifecycle;
    @Inject
    AccountService accounts;
    @Inject
    QuotaService quotas;
    @Inject
    FakeAgent agent;
    @Inject
    AgentLink link;
    @Inject
    TestRows rows;
    @Inject
    States states;
    private TestDatabase database;
    private Path dataDir;
    private Actor user;
    private long image;

    @Singleton
    static class States {
        @Inject
        Sql sql;

        @Transactional
        void set(long guestId, GuestState state) {
            sql.update("UPDATE guest SET state = ? WHERE id = ?", state.name(), guestId);
        }

        @Transactional
        void deleteAllBut(String login) {
            sql.update("DELETE FROM guest");
            sql.update("DELETE FROM quota");
            sql.update("DELETE FROM image");
            sql.update("DELETE FROM portal_user WHERE login <> ?", login);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        database = TestDatabase.h2();
        try {
            dataDir = Files.createTempDirectory("kvmptest-data-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> properties = new HashMap<>(database.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "false");
        properties.put("kvmptest.fake-agent", "true");
        return properties;
    }

    @AfterAll
    void dropDatabase() throws IOException {
        database.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @BeforeEach
    void freshUser() {
        states.deleteAllBut("admin");
        Actor admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        user = accounts.create(admin, new NewUser("una", null, "una-password-1", Role.USER)).actor();
        image = rows.publishImage("Plain disk");
        agent.forgetCalls();
    }

    @AfterEach
    void agentBack() {
        if (!link.reachable()) {
            agent.comeBack();
        }
    }

    @Test
    void anUnreachableAgentIsA503AndNoGuestChanges() {
        GuestView running = guests.start(user, created("web").guest().id());
        GuestView stopped = created("db");
        agent.lose();
        assertFalse(link.reachable());
        assertTrue(link.lostAt().isPresent());

        for (Supplier<?> action : List.<Supplier<?>>of(() -> guests.pause(user, running.guest().id()),
                () -> guests.shutdown(user, running.guest().id()), () -> guests.forceOff(user, running.guest().id()),
                () -> guests.reboot(user, running.guest().id()), () -> guests.screenshot(user, running.guest().id()),
                () -> guests.start(user, stopped.guest().id()))) {
            assertUnreachable(action);
        }
        assertUnreachable(() -> {
            guests.delete(user, stopped.guest().id());
            return null;
        });
        assertEquals(GuestState.RUNNING, state(running), "a running guest stays running");
        assertNull(registry.get(user, running.guest().id()).lastError(), "and is not given the agent's error");
        assertEquals(GuestState.STOPPED, state(stopped), "a guest whose start or delete was not heard stays stopped");
        assertNull(registry.get(user, stopped.guest().id()).lastError());
        assertEquals(0, usage().runningGuests() - 1, "only the running guest holds run quota");
    }

    @Test
    void aCreateTheAgentDidNotHearLeavesNoGuestAndNoQuotaUsed() {
        agent.lose();
        assertUnreachable(() -> guests.create(user, new NewGuest("lost", image, 1, 128, 1)));
        assertEquals(List.of(), registry.list(user));
        assertEquals(0, usage().guests());
        assertEquals(0, usage().diskGib());
    }

    @Test
    void listsKeepServingWithoutFiguresAndAskTheAgentOnceForAllGuests() {
        // The default quota lets a user run two guests.
        for (int i = 0; i < 2; i++) {
            guests.start(user, created("g" + i).guest().id());
        }
        created("idle");
        agent.forgetCalls();
        List<GuestView> listed = guests.list(user);
        assertEquals(3, listed.size());
        assertEquals(2, listed.stream().filter(view -> view.pid() != null && view.rssBytes() > 0).count(),
                listed.toString());
        assertEquals(List.of("processes"), agent.calls(), "one call for the whole list");
        assertEquals("kvmp-una", listed.get(0).linuxAccount());

        agent.lose();
        agent.forgetCalls();
        List<GuestView> offline = guests.list(user);
        assertEquals(3, offline.size());
        assertTrue(offline.stream().allMatch(view -> view.pid() == null), offline.toString());
        assertEquals(2, offline.stream().filter(view -> view.guest().state() == GuestState.RUNNING).count());
        assertEquals(List.of(), agent.calls(), "a lost agent is not asked again for every page");
    }

    @Test
    void theAgentsReturnReconcilesGuestsFromItsTruth() throws Exception {
        Guest survivor = registry.get(user, guests.start(user, created("survivor").guest().id()).guest().id());
        Guest ended = registry.get(user, guests.start(user, created("ended").guest().id()).guest().id());
        Guest halfMade = created("half-made").guest();
        agent.lose();
        agent.endedUnseen(UUID.fromString(ended.uuid()));
        states.set(halfMade.id(), GuestState.CREATING);

        agent.comeBack();
        assertTrue(link.reachable());
        await("the ended guest is stopped", () -> registry.get(user, ended.id()).state() == GuestState.STOPPED);
        await("the half-made guest is gone", () -> registry.findByUuid(halfMade.uuid()).isEmpty());
        assertEquals(GuestState.RUNNING, registry.get(user, survivor.id()).state());
        assertEquals("QEMU was not running any more when the host agent came back.",
                registry.get(user, ended.id()).lastError());
        assertFalse(agent.hasDisk(UUID.fromString(halfMade.uuid())), "its disk went with it");
    }

    @Test
    void theAgentsEventsMoveGuests() throws Exception {
        Guest guest = registry.get(user, guests.start(user, created("evented").guest().id()).guest().id());
        UUID uuid = UUID.fromString(guest.uuid());

        agent.emit(new HostEvent.RunStateChanged(uuid, RunState.PAUSED));
        await("paused behind the portal's back", () -> state(guest) == GuestState.PAUSED);
        agent.emit(new HostEvent.RunStateChanged(uuid, RunState.RUNNING));
        await("resumed", () -> state(guest) == GuestState.RUNNING);
        agent.emit(new HostEvent.RunStateChanged(uuid, RunState.STOPPED_BY_SIGNAL));
        assertEquals(GuestState.RUNNING, state(guest), "a SIGSTOP shows in the process view, not the state");

        agent.emit(new HostEvent.GuestEnded(uuid, new GuestExit(1, false, "killed by signal 9")));
        await("stopped", () -> state(guest) == GuestState.STOPPED);
        assertEquals("QEMU ended: killed by signal 9", registry.get(user, guest.id()).lastError());
    }

    private QuotaUsage usage() {
        return quotas.view(user, user.id()).usage();
    }

    private GuestView created(String name) {
        return guests.create(user, new NewGuest(name, image, 1, 128, 1));
    }

    private GuestState state(GuestView view) {
        return registry.get(user, view.guest().id()).state();
    }

    private GuestState state(Guest guest) {
        return registry.get(user, guest.id()).state();
    }

    private static void assertUnreachable(Supplier<?> action) {
        PortalException refused = assertThrows(PortalException.class, action::get);
        assertEquals(Fault.UNAVAILABLE, refused.fault(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("The host agent is unreachable: "), refused.getMessage());
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
