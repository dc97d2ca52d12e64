package io.kvmportal.host.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kvmportal.host.account.LinuxAccount;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.exec.Command;

/**
 * A Linux account made with useradd directly, as an administrator, another portal or an older portal would have
 * made it, for tests that the portal uses such an account but never removes it. The caller removes it (userdel, or
 * {@link HostLeftovers#removeAccountOf} for {@code kvmp-<login>}), also when the test fails.
 */
public final class ForeignAccount {
    private ForeignAccount() {
    }

    /** The account {@code name} (a {@code kvmptest-} one), its GECOS field {@code comment}, or empty if null. */
    public static LinuxAccount create(LinuxAccountName name, String comment) {
        if (!name.value().matches("(kvmp-)?kvmptest-.*")) {
            throw new IllegalArgumentException("only test accounts (kvmptest-*) are made here, not " + name);
        }
        List<String> useradd = new ArrayList<>(List.of("useradd", "--system", "--no-create-home", "--shell",
                "/usr/sbin/nologin", "--user-group"));
        if (comment != null) {
            useradd.addAll(List.of("--comment", comment));
        }
        useradd.add(name.value());
        Command.runChecked(useradd, Duration.ofSeconds(30));
        return LinuxAccounts.lookup(name).orElseThrow();
    }
}
