package io.kvmportal.agentlink;

import io.kvmportal.agent.Accelerator;
import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEvent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.KvmAvailability;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory host agent for unit tests of one class (the portal's side of a call, an event or a lost agent): it
 * keeps which guests have disks and which run, answers every call with {@link HostUnreachableException} while
 * {@link #lose lost}, and plays the agent's events to the portal's listener. Only in contexts that set
 * {@code kvmptest.fake-agent=true}; integration tests use the real agent.
 */
@Singleton
@Replaces(bean = HostAgent.class, factory = HostFactory.class)
@Requires(property = "kvmptest.fake-agent", value = "true")
public class FakeAgent implements HostAgent {
    private final Map<UUID, String> disks = new ConcurrentHashMap<>();
    private final Map<UUID, Long> running = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong pids = new AtomicLong(4000);
    private volatile HostEventListener listener;
    private volatile boolean lost;

    /** The agent goes away: the stream says so, and every call fails as unreachable until {@link #comeBack}. */
    public void lose() {
        lost = true;
        HostEventListener watching = listener;
        if (watching != null) {
            watching.connectionChanged(false);
        }
    }

    public void comeBack() {
        lost = false;
        HostEventListener watching = listener;
        if (watching != null) {
            watching.connectionChanged(true);
        }
    }

    /** A QEMU that runs on the host (as one that outlived the agent's restart does). */
    public void runs(UUID guest) {
        running.put(guest, pids.incrementAndGet());
    }

    /** A QEMU that ended while nobody watched: the agent's return must bring its guest's state right. */
    public void endedUnseen(UUID guest) {
        running.remove(guest);
    }

    public void emit(HostEvent event) {
        if (event instanceof HostEvent.GuestEnded) {
            running.remove(event.guest());
        }
        listener.event(event);
    }

    public boolean isRunning(UUID guest) {
        return running.containsKey(guest);
    }

    public boolean hasDisk(UUID guest) {
        return disks.containsKey(guest);
    }

    /** The calls made so far, by name ("start", "processes", ...). */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void forgetCalls() {
        calls.clear();
    }

    private void call(String name) {
        calls.add(name);
        if (lost) {
            throw new HostUnreachableException("UNAVAILABLE: connect to /run/kvm-portal/agent.sock refused",
                    new ConnectException("Connection refused"));
        }
    }

    @Override
    public AgentIdentity identify() {
        call("identify");
        return new AgentIdentity(1, "test", 4242);
    }

    @Override
    public HostFacts facts() {
        call("facts");
        return new HostFacts(KvmAvailability.PRESENT, "/dev/kvm", 12, 4, 1024, false, Accelerator.TCG, "fake",
                "QEMU emulator version 9.9.9", 2, 4096, 40L << 20);
    }

    @Override
    public AccountRemoval removeAccount(String login) {
        call("removeAccount");
        return AccountRemoval.NO_ACCOUNT;
    }

    @Override
    public StagedImage stageImage(InputStream bytes, long maxBytes) {
        call("stageImage");
        throw new UnsupportedOperationException("images are not faked");
    }

    @Override
    public ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes) {
        call("admitImage");
        throw new UnsupportedOperationException("images are not faked");
    }

    @Override
    public void discardStaged(String stagingId) {
        call("discardStaged");
    }

    @Override
    public ImageFile publishDemoImage() {
        call("publishDemoImage");
        throw new UnsupportedOperationException("images are not faked");
    }

    @Override
    public void removeImage(String imageId) {
        call("removeImage");
    }

    @Override
    public void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes) {
        call("createDisk");
        disks.put(guest, login);
    }

    @Override
    public long start(GuestDefinition guest) {
        call("start");
        if (running.containsKey(guest.uuid())) {
            throw new HostRefusedException(RefusalKind.ALREADY_RUNNING, "already running");
        }
        runs(guest.uuid());
        return running.get(guest.uuid());
    }

    @Override
    public boolean reattach(GuestDefinition guest) {
        call("reattach");
        return running.containsKey(guest.uuid());
    }

    @Override
    public void shutdown(UUID guest, Duration grace) {
        call("shutdown");
        requireRunning(guest);
    }

    @Override
    public GuestExit forceOff(UUID guest) {
        call("forceOff");
        Long pid = requireRunning(guest);
        running.remove(guest);
        return new GuestExit(pid, false, "killed");
    }

    @Override
    public void pause(UUID guest) {
        call("pause");
        requireRunning(guest);
    }

    @Override
    public void resume(UUID guest) {
        call("resume");
        requireRunning(guest);
    }

    @Override
    public void reboot(UUID guest) {
        call("reboot");
        requireRunning(guest);
    }

    @Override
    public byte[] screenshot(UUID guest) {
        call("screenshot");
        requireRunning(guest);
        return new byte[] {(byte) 0x89, 'P', 'N', 'G'};
    }

    @Override
    public Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes) {
        call("serialLog");
        return Optional.empty();
    }

    @Override
    public Map<UUID, GuestProcess> processes(Collection<UUID> guests) {
        call("processes");
        Map<UUID, GuestProcess> found = new ConcurrentHashMap<>();
        for (UUID guest : guests) {
            Long pid = running.get(guest);
            if (pid != null) {
                found.put(guest, new GuestProcess(pid, 991, "kvmp-x", "SLEEPING", 1.5, 64L << 20, 5,
                        Duration.ofSeconds(7)));
            }
        }
        return found;
    }

    @Override
    public void deleteGuest(UUID guest, String login) {
        call("deleteGuest");
        if (running.containsKey(guest)) {
            throw new HostRefusedException(RefusalKind.ALREADY_RUNNING, "still running");
        }
        disks.remove(guest);
    }

    @Override
    public void handScreen(UUID guest, String login, byte[] ticket) {
        call("handScreen");
        throw new UnsupportedOperationException("screens are not faked");
    }

    @Override
    public AutoCloseable watch(HostEventListener watcher) {
        listener = watcher;
        return () -> listener = null;
    }

    @Override
    public void close() {
    }

    private Long requireRunning(UUID guest) {
        Long pid = running.get(guest);
        if (pid == null) {
            throw new HostRefusedException(RefusalKind.NOT_RUNNING, "not running");
        }
        return pid;
    }
}
