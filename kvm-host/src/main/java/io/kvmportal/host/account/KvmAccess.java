package io.kvmportal.host.account;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import io.kvmportal.host.exec.Command;

/**
 * Who may open /dev/kvm, as one POSIX ACL entry per account ({@code u:<name>:rw}). Not the {@code kvm}
 * group: membership is shared by everyone in it and QEMU is started with supplementary groups cleared,
 * so a grant must name the account. Needs root.
 *
 * <p>devtmpfs keeps ACLs only in memory: when the node is recreated (module reload, a new devtmpfs)
 * every grant is gone, so the host grants an account again each time one of its guests starts or is re-attached
 * ({@code Host.prepareAccount}); {@link #reapply} grants many accounts in one setfacl run.
 *
 * <p>A host without the device (no KVM module, or a container that was not given the node) runs guests under TCG:
 * there is nothing to grant, so grants and revokes do nothing and no account holds an entry.
 */
public final class KvmAccess {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * setfacl reads the ACL, changes it and writes it back: two at once for different accounts can lose one's
     * entry. So this process changes the device's ACL one setfacl at a time.
     */
    private static final ReentrantLock ACL_CHANGES = new ReentrantLock();

    private final Path device;

    public KvmAccess() {
        this(Path.of("/dev/kvm"));
    }

    /** For tests: another file carrying the ACL. */
    public KvmAccess(Path device) {
        this.device = device.toAbsolutePath();
    }

    /** Lets {@code account} open the device read-write; granting twice is harmless. */
    public void grant(LinuxAccountName account) {
        reapply(List.of(account));
    }

    /** Removes the account's entry; revoking an absent entry is harmless. */
    public void revoke(LinuxAccountName account) {
        changeAcl(List.of("setfacl", "-x", "u:" + account.value(), "--", device.toString()));
    }

    /** Grants every account in one setfacl run, so a restart costs one process, not one per account. */
    public void reapply(Collection<LinuxAccountName> accounts) {
        if (accounts.isEmpty()) {
            return;
        }
        String entries = accounts.stream().map(a -> "u:" + a.value() + ":rw").distinct().collect(Collectors.joining(","));
        changeAcl(List.of("setfacl", "-m", entries, "--", device.toString()));
    }

    /** The device's named-user entries, in the ACL's order. */
    public List<KvmGrant> grants() {
        if (!present()) {
            return List.of();
        }
        return parseGrants(Command.runChecked(List.of("getfacl", "-p", "--omit-header", "--", device.toString()), TIMEOUT));
    }

    private void changeAcl(List<String> setfacl) {
        ACL_CHANGES.lock();
        try {
            if (present()) {
                Command.runChecked(setfacl, TIMEOUT);
            }
        } finally {
            ACL_CHANGES.unlock();
        }
    }

    private boolean present() {
        return Files.exists(device, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads getfacl's short form. Named-user lines look like {@code user:alice:rw-}, possibly followed by
     * a tab and {@code #effective:r--} when the mask narrows them; the owner's line is {@code user::rw-}.
     */
    static List<KvmGrant> parseGrants(String getfaclOutput) {
        List<KvmGrant> grants = new ArrayList<>();
        for (String line : getfaclOutput.split("\n")) {
            String entry = line.strip().split("\\s+", 2)[0];
            if (!entry.startsWith("user:") || entry.startsWith("user::")) {
                continue;
            }
            String[] fields = entry.split(":", -1);
            if (fields.length != 3 || fields[1].isEmpty() || !fields[2].matches("[r-][w-][x-]")) {
                throw new IllegalStateException("getfacl: unexpected entry \"" + entry + "\"");
            }
            grants.add(new KvmGrant(fields[1], fields[2].charAt(0) == 'r', fields[2].charAt(1) == 'w'));
        }
        return List.copyOf(grants);
    }
}
