package io.kvmportal.agent;

import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the portal may ask of a host, as commands and results of plain values (ids, sizes, states, figures),
 * in the manner of Firecracker's {@code VmmAction}/{@code VmmData}. The host's agent implements it (as root, in
 * kvm-host); the portal reaches it through {@link io.kvmportal.agent.grpc.GrpcHostAgent}, over a unix socket.
 *
 * <p>The agent trusts nothing it is given: logins, names, ids and sizes are checked on its side, and no call takes
 * a path, a command line or a Linux account name. A refusal is a {@link HostRefusedException}; an agent that cannot
 * be reached (stopped, restarting, past the call's deadline) is a {@link HostUnreachableException}.
 */
public interface HostAgent extends AutoCloseable {
    /** The length of {@link #handScreen}'s ticket: the portal's random bytes that name one console request. */
    int SCREEN_TICKET_BYTES = 32;

    /** Which protocol and build the agent runs. */
    AgentIdentity identify();

    /** /dev/kvm, the accelerator guests get, QEMU, and the machine's size. */
    HostFacts facts();

    /** Takes the login's Linux account off the host if this installation made it, and says what it did. */
    AccountRemoval removeAccount(String login);

    /** Streams an upload into the agent's staging area, refusing more than {@code maxBytes}. */
    StagedImage stageImage(InputStream bytes, long maxBytes);

    /** Inspects a staged upload and, if it is what it claims to be, keeps it read-only in the image store. */
    ImageFile admitImage(String stagingId, ImageFormat format, long maxVirtualBytes);

    /** Removes a staged upload that will not be admitted; nothing if it is gone already. */
    void discardStaged(String stagingId);

    /** Builds the demo image (a small Linux booted from its own kernel) from the host's packages and admits it. */
    ImageFile publishDemoImage();

    /** Deletes an image's file and its boot files; the caller knows that no guest uses it any more. */
    void removeImage(String imageId);

    /** The guest's disk: an overlay on {@code baseImageId}, or empty, owned by the login's account. */
    void createDisk(UUID guest, String login, Optional<String> baseImageId, long sizeBytes);

    /** Starts the guest's QEMU as its owner's account; answers its pid. */
    long start(GuestDefinition guest);

    /** After a restart of the portal or the agent: true if the guest's QEMU still runs and is watched again. */
    boolean reattach(GuestDefinition guest);

    /** Presses the power button and returns; a guest still running after {@code grace} is forced off. */
    void shutdown(UUID guest, Duration grace);

    GuestExit forceOff(UUID guest);

    void pause(UUID guest);

    void resume(UUID guest);

    void reboot(UUID guest);

    /** The guest's screen as PNG bytes. */
    byte[] screenshot(UUID guest);

    /** The guest's serial output from byte {@code from} (negative: the tail), at most {@code maxBytes}. */
    Optional<SerialChunk> serialLog(UUID guest, String login, long from, int maxBytes);

    /** The QEMU processes of those of {@code guests} that run, as {@code top} sees them. */
    Map<UUID, GuestProcess> processes(Collection<UUID> guests);

    /** Removes a stopped guest's disk and directory. */
    void deleteGuest(UUID guest, String login);

    /**
     * Hands the running guest's screen to the portal: the agent connects to the portal's screen socket (a path of
     * the agent's configuration), writes {@code ticket}, and gives the connection to the guest's QEMU as a VNC
     * client. The screen's bytes then flow between QEMU and the portal; none pass through the agent.
     */
    void handScreen(UUID guest, String login, byte[] ticket);

    /** Host events as they happen, until the returned handle is closed or the agent goes away. */
    AutoCloseable watch(HostEventListener listener);

    @Override
    void close();
}
