package io.kvmportal.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.SerialChunk;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every HostAgent method over the real socket: the agent gets the caller's values and the caller the agent's. */
class RoundTripTest {
    private static final UUID GUEST = UUID.fromString("6a0e8a51-64f4-4b7e-a1f5-0c2c4d2f9b11");
    private static final GuestDefinition CDROM = new GuestDefinition(GUEST, "web-1", "alice", 2, 1024,
            BootKind.CDROM, "9d3f2a10-1111-4222-8333-944455556666", Nic.USER);
    private static final GuestDefinition DISK = new GuestDefinition(GUEST, "db", "bob", 1, 512, BootKind.DISK, null,
            Nic.NONE);

    @TempDir
    Path directory;
    private Wire wire;

    @BeforeEach
    void serve() {
        wire = new Wire(directory);
    }

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void identifyAndFacts() {
        assertEquals(Protocol.VERSION, wire.client.identify().protocol());
        assertEquals(ProcessHandle.current().pid(), wire.client.identify().pid());
        assertEquals("0.1.0-test", wire.client.identify().version());
        assertEquals(MemoryAgent.FACTS, wire.client.facts());
    }

    @Test
    void accountsAndImages() {
        assertEquals(AccountRemoval.LEFT_OTHER_INSTALLATION, wire.client.removeAccount("alice"));
        assertEquals(List.of("removeAccount", "alice"), wire.agent.lastCall());
        assertEquals(MemoryAgent.IMAGE, wire.client.admitImage("st-1", ImageFormat.ISO, 5_000_000_000L));
        assertEquals(List.of("admitImage", "st-1", ImageFormat.ISO, 5_000_000_000L), wire.agent.lastCall());
        wire.client.discardStaged("st-2");
        assertEquals(List.of("discardStaged", "st-2"), wire.agent.lastCall());
        assertEquals(MemoryAgent.IMAGE, wire.client.publishDemoImage());
        wire.client.removeImage("img-3");
        assertEquals(List.of("removeImage", "img-3"), wire.agent.lastCall());
        byte[] upload = new byte[200_000];
        Arrays.fill(upload, (byte) 7);
        assertEquals(new io.kvmportal.agent.StagedImage("staged-200000", 200_000),
                wire.client.stageImage(new ByteArrayInputStream(upload), 300_000));
        assertEquals(List.of("stageImage", 300_000L), wire.agent.lastCall());
    }

    @Test
    void disksAndLifecycle() {
        wire.client.createDisk(GUEST, "alice", Optional.of("img-9"), 1L << 40);
        assertEquals(List.of("createDisk", GUEST, "alice", Optional.of("img-9"), 1L << 40), wire.agent.lastCall());
        wire.client.createDisk(GUEST, "alice", Optional.empty(), 1);
        assertEquals(List.of("createDisk", GUEST, "alice", Optional.empty(), 1L), wire.agent.lastCall());
        assertEquals(31337, wire.client.start(CDROM));
        assertEquals(List.of("start", CDROM), wire.agent.lastCall());
        assertTrue(wire.client.reattach(DISK));
        assertEquals(List.of("reattach", DISK), wire.agent.lastCall());
        wire.client.shutdown(GUEST, Duration.ofMillis(90_500));
        assertEquals(List.of("shutdown", GUEST, Duration.ofMillis(90_500)), wire.agent.lastCall());
        assertEquals(MemoryAgent.EXIT, wire.client.forceOff(GUEST));
        wire.client.pause(GUEST);
        assertEquals(List.of("pause", GUEST), wire.agent.lastCall());
        wire.client.resume(GUEST);
        assertEquals(List.of("resume", GUEST), wire.agent.lastCall());
        wire.client.reboot(GUEST);
        assertEquals(List.of("reboot", GUEST), wire.agent.lastCall());
        wire.client.deleteGuest(GUEST, "carol");
        assertEquals(List.of("deleteGuest", GUEST, "carol"), wire.agent.lastCall());
    }

    @Test
    void screensLogsAndProcesses() {
        assertArrayEquals(wire.agent.screenshot(GUEST), wire.client.screenshot(GUEST), "a 3 MiB screenshot");
        assertEquals(Optional.empty(), wire.client.serialLog(GUEST, "alice", 0, 4096));
        SerialChunk tail = wire.client.serialLog(GUEST, "alice", -1, 4096).orElseThrow();
        assertEquals(List.of(-1L, 9000L), List.of(tail.offset(), tail.size()));
        assertArrayEquals(new byte[] {'o', 'k', 10}, tail.bytes());
        assertEquals(List.of("serialLog", GUEST, "alice", -1L, 4096), wire.agent.lastCall());
        UUID other = UUID.randomUUID();
        UUID stopped = UUID.randomUUID();
        Map<UUID, io.kvmportal.agent.GuestProcess> processes = wire.client.processes(List.of(GUEST, other, stopped));
        assertEquals(Map.of(GUEST, MemoryAgent.PROCESS, other, MemoryAgent.PROCESS), processes);
        assertFalse(processes.containsKey(stopped));
        byte[] ticket = new byte[32];
        ticket[0] = 1;
        ticket[31] = -1;
        wire.client.handScreen(GUEST, "alice", ticket);
        assertEquals(List.of("handScreen", GUEST, "alice", List.of((byte) 1, (byte) -1, 32)), wire.agent.lastCall());
    }
}
