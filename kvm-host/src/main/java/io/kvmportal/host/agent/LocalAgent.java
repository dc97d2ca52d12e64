package io.kvmportal.host.agent;

import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.GuestExit;
import io.kvmportal.agent.GuestProcess;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.HostEventListener;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.ImageFile;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.SerialChunk;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.host.HostConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The agent's {@link HostAgent}: kvm-host's {@code Host} behind plain values, checking each value it is given.
 * CONTRACT SKELETON: the agent helper replaces every body.
 */
public final class LocalAgent implements HostAgent {

    /**
     * @param portalScreenSocket where the portal listens for guests' screens (see {@link #handScreen})
     * @param portalUid the uid that must own that listener
     */
    public LocalAgent(HostConfig config, Path portalScreenSocket, int portalUid) {
        throw new UnsupportedOperationException("agent helper");
    }

    @Override public AgentIdentity identify() { throw new UnsupportedOperationException(); }
    @Override public HostFacts facts() { throw new UnsupportedOperationException(); }
    @Override public AccountRemoval removeAccount(String login) { throw new UnsupportedOperationException(); }
    @Override public StagedImage stageImage(InputStream bytes, long maxBytes) { throw new UnsupportedOperationException(); }
    @Override public ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes) { throw new UnsupportedOperationException(); }
    @Override public void discardStaged(String stagingId) { throw new UnsupportedOperationException(); }
    @Override public ImageFile publishDemoImage() { throw new UnsupportedOperationException(); }
    @Override public void removeImage(String imageId) { throw new UnsupportedOperationException(); }
    @Override public void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes) { throw new UnsupportedOperationException(); }
    @Override public long start(GuestDefinition guest) { throw new UnsupportedOperationException(); }
    @Override public boolean reattach(GuestDefinition guest) { throw new UnsupportedOperationException(); }
    @Override public void shutdown(UUID guest, Duration grace) { throw new UnsupportedOperationException(); }
    @Override public GuestExit forceOff(UUID guest) { throw new UnsupportedOperationException(); }
    @Override public void pause(UUID guest) { throw new UnsupportedOperationException(); }
    @Override public void resume(UUID guest) { throw new UnsupportedOperationException(); }
    @Override public void reboot(UUID guest) { throw new UnsupportedOperationException(); }
    @Override public byte[] screenshot(UUID guest) { throw new UnsupportedOperationException(); }
    @Override public Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes) { throw new UnsupportedOperationException(); }
    @Override public Map<UUID, GuestProcess> processes(Collection<UUID> guests) { throw new UnsupportedOperationException(); }
    @Override public void deleteGuest(UUID guest, String login) { throw new UnsupportedOperationException(); }
    @Override public void handScreen(UUID guest, String login, byte[] ticket) { throw new UnsupportedOperationException(); }
    @Override public AutoCloseable watch(HostEventListener listener) { throw new UnsupportedOperationException(); }
    @Override public void close() { }
}
