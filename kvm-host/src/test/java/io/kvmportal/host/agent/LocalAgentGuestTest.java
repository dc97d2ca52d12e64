package io.kvmportal.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.RunState;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.TestImages;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent end to end on a real guest (TCG here): images in by id, the demo image built and booted from its own
 * kernel, the guest's QEMU seen as its owner's account, pause and resume and its end reaching watchers as events,
 * and the guest's files gone after.
 */
class LocalAgentGuestTest {
    private final String login = TestNames.random();
    private final UUID uuid = UUID.randomUUID();
    private final BlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    private ScratchLocalAgent scratch;
    private LocalAgent agent;

    @BeforeEach
    void agent() throws Exception {
        scratch = new ScratchLocalAgent(Accelerator.TCG);
        agent = scratch.agent();
    }

    @AfterEach
    void removeEverything() throws Exception {
        scratch.remove(uuid, login);
    }

    @Test
    void aGuestRunsAsItsOwnerAndItsEventsReachEveryWatcher() throws Exception {
        agent.watch(event -> {
            throw new IllegalStateException("a watcher that fails must not keep the others from their events");
        });
        AutoCloseable watching = agent.watch(events::add);
        ImageFile demo = agent.publishDemoImage();
        assertTrue(demo.bootsFromKernel());
        assertEquals(ImageFormat.QCOW2, demo.format());

        agent.createDisk(uuid, login, Optional.of(demo.imageId()), 64L << 20);
        long pid = agent.start(definition(demo.imageId()));

        GuestProcess process = agent.processes(List.of(uuid, UUID.randomUUID())).get(uuid);
        assertNotNull(process, "the guest's QEMU is seen; the made-up guest is not");
        assertEquals(1, agent.processes(List.of(uuid, UUID.randomUUID())).size());
        assertEquals(pid, process.pid());
        assertEquals("kvmp-" + login, process.account(), "QEMU runs as the owner's account");
        assertTrue(process.uid() > 0 && process.rssBytes() > 0, process.toString());
        HostRefusedException inUse = assertThrows(HostRefusedException.class, () -> agent.removeImage(demo.imageId()));
        assertEquals(RefusalKind.INVALID, inUse.kind(), inUse.getMessage());

        agent.pause(uuid);
        assertEquals(new HostEvent.RunStateChanged(uuid, RunState.PAUSED), next());
        agent.resume(uuid);
        assertEquals(new HostEvent.RunStateChanged(uuid, RunState.RUNNING), next());

        GuestExit exit = agent.forceOff(uuid);
        assertEquals(pid, exit.pid());
        assertFalse(exit.clean(), exit.toString());
        assertEquals(new HostEvent.GuestEnded(uuid, exit), nextEnd());
        assertEquals(Map.of(), agent.processes(List.of(uuid)));

        watching.close();
        agent.deleteGuest(uuid, login);
        assertFalse(Files.exists(scratch.dataDir().resolve("guests").resolve(uuid.toString().replace("-", ""))));
        agent.removeImage(demo.imageId());
        assertThrows(HostRefusedException.class, () -> agent.removeImage(demo.imageId()), "gone");
    }

    /** shutdown returns at once; a guest that ignores the power button is forced off after the grace, as an event. */
    @Test
    void shutdownReturnsAtOnceAndTheEndArrivesAsAnEvent() throws Exception {
        agent.watch(events::add);
        ImageFile demo = agent.publishDemoImage();
        agent.createDisk(uuid, login, Optional.of(demo.imageId()), 64L << 20);
        long pid = agent.start(definition(demo.imageId()));
        agent.pause(uuid); // a paused guest cannot answer the power button: the grace must run out
        assertInstanceOf(HostEvent.RunStateChanged.class, next());

        long began = System.nanoTime();
        agent.shutdown(uuid, Duration.ofSeconds(2));
        long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

        assertTrue(returnedMillis < 1500, "shutdown waited " + returnedMillis + " ms for the guest");
        HostEvent.GuestEnded ended = nextEnd();
        assertEquals(pid, ended.exit().pid());
        long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(endedMillis >= 1900, "forced off after its grace, not before: " + endedMillis + " ms");
    }

    /** An upload comes in by a staging id and is admitted as an image of the store, found again by its id. */
    @Test
    void anUploadIsStagedAndAdmittedByIds() throws Exception {
        Path qcow2 = TestImages.qcow2(scratch.dataDir().resolve("up.qcow2"), 8L << 20);
        StagedImage staged = agent.stageImage(Files.newInputStream(qcow2), 1L << 30);
        assertEquals(Files.size(qcow2), staged.bytes());

        ImageFile image = agent.admitImage(staged.stagingId(), ImageFormat.QCOW2, 1L << 30);

        assertEquals(8L << 20, image.virtualBytes());
        assertFalse(image.bootsFromKernel());
        HostRefusedException again = assertThrows(HostRefusedException.class,
                () -> agent.admitImage(staged.stagingId(), ImageFormat.QCOW2, 1L << 30));
        assertEquals(RefusalKind.NOT_FOUND, again.kind(), "a staged upload is admitted once");
        agent.createDisk(uuid, login, Optional.of(image.imageId()), 16L << 20);
        HostRefusedException small = assertThrows(HostRefusedException.class,
                () -> agent.createDisk(UUID.randomUUID(), login, Optional.of(image.imageId()), 1L << 20));
        assertEquals(RefusalKind.INVALID, small.kind(), "below the base's virtual size, read from its header");
        agent.deleteGuest(uuid, login);
        agent.removeImage(image.imageId());
    }

    @Test
    void factsNameTheMachineAndTheAgentsOwnMemory() {
        HostFacts facts = agent.facts();

        assertEquals(Runtime.getRuntime().availableProcessors(), facts.cores());
        assertTrue(facts.memoryMib() > 100, facts.toString());
        assertTrue(facts.agentRssBytes() > 1 << 20, facts.toString());
        assertTrue(facts.qemuVersion().startsWith("QEMU emulator version"), facts.qemuVersion());
        assertFalse(facts.acceleratorReason().isBlank());
    }

    private GuestDefinition definition(String imageId) {
        return new GuestDefinition(uuid, "kvmptest-agent", login, 1, 128, BootKind.KERNEL, imageId, Nic.NONE);
    }

    private HostEvent next() throws InterruptedException {
        HostEvent event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "an event within 10 s");
        return event;
    }

    private HostEvent.GuestEnded nextEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            HostEvent event = events.poll(1, TimeUnit.SECONDS);
            if (event instanceof HostEvent.GuestEnded ended) {
                return ended;
            }
        }
        throw new AssertionError("no GuestEnded within 30 s");
    }
}
