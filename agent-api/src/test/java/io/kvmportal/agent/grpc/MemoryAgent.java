package io.kvmportal.agent.grpc;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.Accelerator;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.KvmAvailability;
import io.kvmportal.agent.Protocol;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A HostAgent in memory for the transport's tests (the transport is what they test): it answers fixed values, keeps
 * the arguments of the last call, and can be told to fail, to be slow, to emit events or to stall an upload.
 */
public final class MemoryAgent implements HostAgent {
    public static final HostFacts FACTS = new HostFacts(KvmAvailability.PRESENT, "/dev/kvm: API 12", 12, 4, 1024, true,
            Accelerator.KVM, "KVM is present", "QEMU emulator version 8.2.2", 2, 7936, 48_123_456L);
    static final ImageFile IMAGE = new ImageFile("0b6f4c1e-3f0a-4c6e-9d1a-6b1f0e2a7c55", ImageFormat.QCOW2,
            10_737_418_240L, 1_234_567L, true);
    static final GuestExit EXIT = new GuestExit(4242, false, "killed by signal 9");
    static final GuestProcess PROCESS = new GuestProcess(4242, 990, "kvmp-alice", "SLEEPING", 12.5,
            512L * 1024 * 1024, 7, Duration.ofSeconds(3600));

    final AtomicInteger callCount = new AtomicInteger();
    final List<HostEventListener> listeners = new CopyOnWriteArrayList<>();
    final AtomicLong brokenOffUploadsRemoved = new AtomicLong();
    final AtomicLong stagedBytes = new AtomicLong();
    final AtomicLong largestRead = new AtomicLong();
    volatile RuntimeException failure;
    volatile Duration delay = Duration.ZERO;
    volatile int protocol = Protocol.VERSION;
    volatile CountDownLatch uploadGate;
    private volatile List<Object> lastCall = List.of();
    volatile int closedWatches;

    void emit(HostEvent event) {
        listeners.forEach(listener -> listener.event(event));
    }

    List<Object> lastCall() {
        return lastCall;
    }

    private void called(Object... arguments) {
        // Only the last call is kept: the benchmark makes tens of thousands.
        lastCall = List.of(arguments);
        callCount.incrementAndGet();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public AgentIdentity identify() {
        return new AgentIdentity(protocol, "0.1.0-test", ProcessHandle.current().pid());
    }

    @Override
    public HostFacts facts() {
        called("facts");
        return FACTS;
    }

    @Override
    public AccountRemoval removeAccount(String login) {
        called("removeAccount", login);
        return AccountRemoval.LEFT_OTHER_INSTALLATION;
    }

    /** Counts what it reads and refuses more than {@code maxBytes}; an upload gate holds it after its first read. */
    @Override
    public StagedImage stageImage(InputStream bytes, long maxBytes) {
        called("stageImage", maxBytes);
        byte[] buffer = new byte[1024 * 1024];
        long total = 0;
        try {
            for (int count = bytes.read(buffer); count >= 0; count = bytes.read(buffer)) {
                total += count;
                stagedBytes.set(total);
                largestRead.accumulateAndGet(count, Math::max);
                if (total > maxBytes) {
                    throw new HostRefusedException(RefusalKind.TOO_LARGE, "The upload is larger than " + maxBytes
                            + " bytes.");
                }
                awaitGate();
            }
        } catch (IOException e) {
            cleanUpLikeTheAgent();
            throw new UncheckedIOException(e);
        }
        return new StagedImage("staged-" + total, total);
    }

    /** As LocalAgent removes a broken-off upload's file: takes a moment, then says it is done. */
    private void cleanUpLikeTheAgent() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        brokenOffUploadsRemoved.incrementAndGet();
    }

    private void awaitGate() {
        CountDownLatch gate = uploadGate;
        try {
            if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the upload gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes) {
        called("admitImage", stagingId, format, maxVirtualBytes);
        return IMAGE;
    }

    @Override
    public void discardStaged(String stagingId) {
        called("discardStaged", stagingId);
    }

    @Override
    public ImageFile publishDemoImage() {
        called("publishDemoImage");
        return IMAGE;
    }

    @Override
    public void removeImage(String imageId) {
        called("removeImage", imageId);
    }

    @Override
    public void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes) {
        called("createDisk", guest, login, baseImageId, sizeBytes);
    }

    @Override
    public long start(GuestDefinition guest) {
        called("start", guest);
        return 31337;
    }

    @Override
    public boolean reattach(GuestDefinition guest) {
        called("reattach", guest);
        return true;
    }

    @Override
    public void shutdown(UUID guest, Duration grace) {
        called("shutdown", guest, grace);
    }

    @Override
    public GuestExit forceOff(UUID guest) {
        called("forceOff", guest);
        return EXIT;
    }

    @Override
    public void pause(UUID guest) {
        called("pause", guest);
    }

    @Override
    public void resume(UUID guest) {
        called("resume", guest);
    }

    @Override
    public void reboot(UUID guest) {
        called("reboot", guest);
    }

    @Override
    public byte[] screenshot(UUID guest) {
        called("screenshot", guest);
        byte[] png = new byte[3 * 1024 * 1024];
        for (int i = 0; i < png.length; i++) {
            png[i] = (byte) (i * 31);
        }
        return png;
    }

    @Override
    public Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes) {
        called("serialLog", guest, login, from, maxBytes);
        return from == 0 ? Optional.empty() : Optional.of(new SerialChunk(from, 9000, new byte[] {'o', 'k', 10}));
    }

    @Override
    public Map<UUID, GuestProcess> processes(Collection<UUID> guests) {
        called("processes", List.copyOf(guests));
        Map<UUID, GuestProcess> running = new LinkedHashMap<>();
        guests.stream().limit(2).forEach(guest -> running.put(guest, PROCESS));
        return running;
    }

    @Override
    public void deleteGuest(UUID guest, String login) {
        called("deleteGuest", guest, login);
    }

    @Override
    public void handScreen(UUID guest, String login, byte[] ticket) {
        called("handScreen", guest, login, List.of(ticket[0], ticket[ticket.length - 1], ticket.length));
    }

    @Override
    public AutoCloseable watch(HostEventListener listener) {
        listeners.add(listener);
        return () -> {
            listeners.remove(listener);
            closedWatches++;
        };
    }

    @Override
    public void close() {
    }
}
