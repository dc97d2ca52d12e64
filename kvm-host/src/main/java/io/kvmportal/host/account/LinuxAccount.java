package io.kvmportal.host.account;

import java.util.Objects;
import java.util.Optional;

import io.kvmportal.host.qemu.RunAs;

/**
 * An existing Linux account that guests may run as: never uid or gid 0. {@code mark} is the installation that
 * created it, read from its GECOS field; empty for an account kvm-portal did not create (or an older one did).
 */
public record LinuxAccount(LinuxAccountName name, int uid, int gid, Optional<InstallationId> mark) {
    public LinuxAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mark, "mark");
        if (uid <= 0 || gid <= 0) {
            throw new AccountRefusedException("account " + name + " (uid " + uid + ", gid " + gid
                    + ") refused: guests never run as root or a negative id");
        }
    }

    /** Whether {@code installation} created this account, and so may remove it. */
    public boolean createdBy(InstallationId installation) {
        return mark.filter(installation::equals).isPresent();
    }

    /** The credentials QEMU is started with. */
    public RunAs runAs() {
        return new RunAs(uid, gid);
    }
}
