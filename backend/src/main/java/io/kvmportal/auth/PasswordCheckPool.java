package io.kvmportal.auth;

import io.kvmportal.account.SecurityConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where sign-ins compare passwords: a few threads of their own (bcrypt is CPU work by design) and a small queue.
 * A sign-in takes a place (there are threads + queue of them) before it touches the database at all, and is
 * refused at once when none is free; so a flood of sign-ins gets a bounded share of the CPU and a bounded number
 * of database calls, and everything else in the portal keeps answering.
 */
@Singleton
class PasswordCheckPool {
    /** How long a refused sign-in is told to wait: about what the queue takes to drain. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** A place is never held longer than this, whatever happens to the comparison it waits for. */
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);
    private final Semaphore places;
    private final ExecutorService threads;

    PasswordCheckPool(SecurityConfiguration configuration) {
        int threadCount = configuration.getPasswordCheckThreads();
        if (threadCount < 1 || configuration.getPasswordCheckQueue() < 0) {
            throw new IllegalStateException("portal.security.password-check-threads (" + threadCount
                    + ") must be at least 1 and password-check-queue (" + configuration.getPasswordCheckQueue()
                    + ") at least 0");
        }
        this.places = new Semaphore(threadCount + configuration.getPasswordCheckQueue());
        AtomicInteger number = new AtomicInteger();
        // The queue inside the executor needs no bound of its own: only holders of a place submit to it.
        this.threads = Executors.newFixedThreadPool(threadCount, runnable -> {
            Thread thread = new Thread(runnable, "password-check-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A place for one sign-in, or the refusal (503) when every place is taken. Close it when the sign-in ends. */
    Place admit() {
        if (!places.tryAcquire()) {
            throw AuthenticationException.busy(RETRY_AFTER);
        }
        return new Place();
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }

    /** One sign-in's place in the pool. */
    final class Place implements AutoCloseable {
        private boolean open = true;

        private Place() {
        }

        /** Runs the comparison on the pool's threads and waits for it. */
        <T> T compare(Supplier<T> comparison) {
            Future<T> result = threads.submit(comparison::get);
            try {
                return result.get(LONGEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                result.cancel(true);
                throw AuthenticationException.busy(RETRY_AFTER);
            } catch (InterruptedException e) {
                result.cancel(true);
                Thread.currentThread().interrupt();
                throw AuthenticationException.busy(RETRY_AFTER);
            }
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                places.release();
            }
        }
    }
}
