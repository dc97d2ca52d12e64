package io.kvmportal.host.account;

import java.util.Objects;

import io.kvmportal.host.qemu.RunAs;

/** An existing Linux account that guests may run as: never uid or gid 0. */
public record LinuxAccount(LinuxAccountName name, int uid, int gid) {
    public LinuxAccount {
        Objects.requireNonNull(name, "name");
        if (uid <= 0 || gid <= 0) {
            throw new AccountRefusedException("account " + name + " (uid " + uid + ", gid " + gid
                    + ") refused: guests never run as root or a negative id");
        }
    }

    /** The credentials QEMU is started with. */
    public RunAs runAs() {
        return new RunAs(uid, gid);
    }
}
