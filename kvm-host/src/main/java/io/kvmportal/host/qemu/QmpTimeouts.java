package io.kvmportal.host.qemu;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One timer thread for all QMP calls of the process; a call's timer is cancelled when it completes. */
final class QmpTimeouts {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qmp-timeouts");
        t.setDaemon(true);
        return t;
    });

    private QmpTimeouts() {
    }

    static void schedule(CompletableFuture<?> call, Duration timeout, Runnable onTimeout) {
        ScheduledFuture<?> timer = TIMER.schedule(onTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
        call.whenComplete((result, error) -> timer.cancel(false));
    }
}
