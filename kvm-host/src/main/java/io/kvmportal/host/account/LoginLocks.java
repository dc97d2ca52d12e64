package io.kvmportal.host.account;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One login's host changes one at a time: creating its account, granting it /dev/kvm, making or removing a guest's
 * directory and disk, removing the account. Without it, parallel first creates of a new user each ran useradd,
 * and a removal could run between an account's lookup and the chown that used its uid.
 *
 * <p>Striped: a fixed array of locks picked by the account name's hash, so memory does not grow with the number
 * of logins ever seen. Two logins that share a stripe only wait for each other, which is harmless; a login always
 * maps to the same lock, which is what matters. Reentrant, so a step may call another that locks the same login.
 */
public final class LoginLocks {
    private static final int STRIPES = 64;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public LoginLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Runs {@code change} while holding {@code account}'s lock, and answers its result. */
    public <T> T locked(LinuxAccountName account, Supplier<T> change) {
        ReentrantLock lock = locks[Math.floorMod(account.value().hashCode(), STRIPES)];
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #locked(LinuxAccountName, Supplier)}, for a change with no result. */
    public void locked(LinuxAccountName account, Runnable change) {
        locked(account, () -> {
            change.run();
            return null;
        });
    }
}
