package io.kvmportal.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.RunState;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket file, an agent that is away or slow, the event stream through an agent's restart, and close(). */
class ConnectionTest {
    @TempDir
    Path directory;

    @Test
    void theSocketIsTheGroupsWithMode0660AndAStaleOneIsReplaced() throws Exception {
        Path socket = directory.resolve("agent.sock");
        int group = Wire.uid() == 0 ? 65534 : Wire.gid();
        AgentServer.start(new MemoryAgent(), socket, Set.of(Wire.uid()), group).close();
        leaveStaleSocket(socket);
        Files.writeString(directory.resolve("not-a-socket"), "x");
        try (AgentServer replaced = AgentServer.start(new MemoryAgent(), socket, Set.of(Wire.uid()), group)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket,
                    LinkOption.NOFOLLOW_LINKS)));
            assertEquals(group, Files.getAttribute(socket, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            assertEquals(Wire.uid(), Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> AgentServer.start(
                new MemoryAgent(), directory.resolve("not-a-socket"), Set.of(Wire.uid()), group));
        assertTrue(refused.getMessage().endsWith("not-a-socket exists and is not a socket; the host agent leaves it"
                + " alone and does not serve there"), refused.getMessage());
        assertEquals("x", Files.readString(directory.resolve("not-a-socket")));
    }

    /** A second agent started on the first's socket (a second run.sh, a unit started twice) leaves the first alone. */
    @Test
    void aSecondAgentIsRefusedWhileTheFirstServes() {
        try (Wire wire = new Wire(directory)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> AgentServer.start(
                    new MemoryAgent(), wire.socket, Set.of(Wire.uid()), Wire.gid()));
            assertEquals("another agent serves " + wire.socket + "; stop it before starting this one",
                    refused.getMessage());
            wire.client.facts();
        }
    }

    /** What an agent killed with SIGKILL leaves: a socket file that nothing listens on. */
    private static void leaveStaleSocket(Path socket) throws Exception {
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "a stale socket file");
    }

    @Test
    void anAgentThatIsNotRunningIsUnreachableAtOnce() {
        Path socket = directory.resolve("agent.sock");
        try (GrpcHostAgent client = GrpcHostAgent.overUnixSocket(socket, Duration.ofSeconds(10))) {
            long began = System.nanoTime();
            HostUnreachableException unreachable = assertThrows(HostUnreachableException.class, client::facts);
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
            assertTrue(unreachable.getMessage().startsWith("host agent unreachable: UNAVAILABLE"),
                    unreachable.getMessage());
            assertTrue(unreachable.getMessage().endsWith("(socket " + socket + ")"), unreachable.getMessage());
        }
    }

    @Test
    void aSlowAgentMeetsTheCallsDeadline() {
        try (Wire wire = new Wire(directory, Duration.ofMillis(700))) {
            wire.client.facts();
            wire.agent.delay = Duration.ofSeconds(4);
            long began = System.nanoTime();
            HostUnreachableException late = assertThrows(HostUnreachableException.class, wire.client::facts);
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertTrue(took.compareTo(Duration.ofMillis(600)) > 0 && took.compareTo(Duration.ofMillis(3500)) < 0,
                    "took " + took);
            assertTrue(late.getMessage().startsWith("host agent unreachable: no answer within the call's deadline"),
                    late.getMessage());
        }
    }

    @Test
    void eventsArriveInOrderAndTheWatchEndsOnTheAgentWhenClosed() throws Exception {
        try (Wire wire = new Wire(directory)) {
            Events events = new Events();
            AutoCloseable watch = wire.client.watch(events);
            awaitListeners(wire.agent, 1);
            UUID guest = UUID.randomUUID();
            for (int i = 0; i < 200; i++) {
                wire.agent.emit(i % 2 == 0 ? new HostEvent.RunStateChanged(guest, RunState.values()[i % 5])
                        : new HostEvent.GuestEnded(guest, new GuestExit(i, i % 3 == 0, "exit " + i)));
            }
            for (int i = 0; i < 200; i++) {
                Object expected = i % 2 == 0 ? new HostEvent.RunStateChanged(guest, RunState.values()[i % 5])
                        : new HostEvent.GuestEnded(guest, new GuestExit(i, i % 3 == 0, "exit " + i));
                assertEquals(expected, events.next());
            }
            watch.close();
            awaitListeners(wire.agent, 0);
            assertEquals(1, wire.agent.closedWatches);
            assertTrue(events.heard.isEmpty(), "heard " + events.heard);
        }
    }

    @Test
    void theWatchAndCallsComeBackWhenTheAgentRestartsOnTheSamePath() throws Exception {
        Path socket = directory.resolve("agent.sock");
        MemoryAgent before = new MemoryAgent();
        AgentServer server = AgentServer.start(before, socket, Set.of(Wire.uid()), Wire.gid());
        try (GrpcHostAgent client = GrpcHostAgent.overUnixSocket(socket, Duration.ofSeconds(10))) {
            Events events = new Events();
            AutoCloseable watch = client.watch(events);
            awaitListeners(before, 1);
            UUID guest = UUID.randomUUID();
            before.emit(new HostEvent.RunStateChanged(guest, RunState.PAUSED));
            assertEquals(new HostEvent.RunStateChanged(guest, RunState.PAUSED), events.next());
            server.close();
            assertEquals("lost", events.next());
            assertThrows(HostUnreachableException.class, client::facts);
            Thread.sleep(1500);
            MemoryAgent after = new MemoryAgent();
            long back = System.nanoTime();
            server = AgentServer.start(after, socket, Set.of(Wire.uid()), Wire.gid());
            assertEquals("connected", events.next());
            Duration reconnected = Duration.ofNanos(System.nanoTime() - back);
            assertTrue(reconnected.compareTo(Duration.ofSeconds(3)) < 0, "reconnected after " + reconnected);
            after.emit(new HostEvent.RunStateChanged(guest, RunState.RUNNING));
            assertEquals(new HostEvent.RunStateChanged(guest, RunState.RUNNING), events.next());
            assertEquals(MemoryAgent.FACTS, client.facts());
            watch.close();
        } finally {
            server.close();
        }
    }

    @Test
    void closeLeavesNoThreadsBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Wire wire = new Wire(directory)) {
            wire.client.watch(new Events());
            awaitListeners(wire.agent, 1);
            wire.client.facts();
            wire.client.stageImage(new java.io.ByteArrayInputStream(new byte[300_000]), 1_000_000);
        }
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<String> left;
        do {
            Thread.sleep(50);
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .filter(thread -> !before.contains(thread))
                    .filter(thread -> !thread.isDaemon() || thread.getName().startsWith("kvmp-agent"))
                    .map(Thread::getName).collect(Collectors.toSet());
        } while (!left.isEmpty() && System.nanoTime() < until);
        assertEquals(Set.of(), left);
    }

    private static void awaitListeners(MemoryAgent agent, int count) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (agent.listeners.size() != count && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(count, agent.listeners.size());
    }
}
