package io.kvmportal.bench;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.PasswordHasher;
import io.kvmportal.account.Role;
import io.kvmportal.account.SecurityConfiguration;
import io.kvmportal.api.Actor;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.testing.TestRows;
import io.kvmportal.web.PortalClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: sign-ins ({@code POST /api/v1/auth/token}, right password, bcrypt cost 12) per second with
 * 1, 4 and 16 clients (each its own login) through the real portal over HTTP, with the answers that were not 201
 * counted by status, against bcrypt comparisons per second on one thread alone in the same run; then a signed-in
 * user's {@code GET /api/v1/guests} (100 guests) p50 and p99 alone and during a flood of wrong sign-ins from 40
 * clients, printed as ratios. The address allowance is set out of reach, so the flood meets the password check's
 * pool (sign-ins queue or get 503), not the throttle. Settings can be changed with system properties, e.g.
 * {@code -Dportal.security.password-check-threads=1}.
 *
 * <p>Run from the repository root after a build ({@code postgres} needs {@code KVMP_TEST_PG_URL}):
 * <pre>
 * mvn -B -q -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
 *     -Dmdep.includeScope=test
 * java -cp ui/target/test-classes:ui/target/classes:$(cat ui/target/classpath.txt) \
 *     io.kvmportal.bench.SignInBenchmark h2 postgres
 * </pre>
 */
public final class SignInBenchmark {
    private static final String PASSWORD = "bench-password-1";
    private static final int[] CLIENTS = {1, 4, 16};
    private static final long SECONDS_PER_RUN = 10;
    private static final int FLOOD_CLIENTS = 40;
    private static final int LISTINGS = 300;

    private SignInBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (String database : args.length == 0 ? new String[] {"h2"} : args) {
            try (TestDatabase db = "postgres".equals(database) ? TestDatabase.postgres() : TestDatabase.h2()) {
                run(database, db);
            }
        }
    }

    private static void run(String database, TestDatabase db) throws Exception {
        Path dataDir = Files.createTempDirectory("kvmptest-bench-");
        Map<String, Object> properties = new HashMap<>(db.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.admin.password", PASSWORD);
        properties.put("portal.images.demo", false);
        properties.put("portal.security.bcrypt-cost", 12);
        properties.put("portal.security.address-free-failures", 1_000_000);
        try (ApplicationContext context = ApplicationContext.builder().environments("test").properties(properties)
                .start()) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            try {
                measure(database, context, new PortalClient(server.getPort()));
            } finally {
                // Stopped while the context still stands: stopping in its shutdown fails when no console was ever
                // opened (JettyServer's stop listener then creates ConsoleService without a DataSource) and
                // leaves Jetty's threads keeping the JVM alive.
                server.stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** The users (one per sign-in client, and one with 100 guests), then the figures. */
    private static void measure(String database, ApplicationContext context, PortalClient client) throws Exception {
        AccountService accounts = context.getBean(AccountService.class);
        Actor admin = accounts.checkPassword("admin", PASSWORD).orElseThrow().actor();
        Actor user = accounts.create(admin, new NewUser("bench-user", null, PASSWORD, Role.USER)).actor();
        for (int i = 0; i < CLIENTS[CLIENTS.length - 1]; i++) {
            accounts.create(admin, new NewUser("bench-" + i, null, PASSWORD, Role.USER));
        }
        TestRows rows = context.getBean(TestRows.class);
        rows.insertStoppedGuests(user.id(), rows.publishImage("bench-image"), "listed", 100);
        report(database, context, client);
    }

    /** Sign-ins per second, then the guest list alone and during a flood. */
    private static void report(String database, ApplicationContext context, PortalClient client) throws Exception {
        SecurityConfiguration security = context.getBean(SecurityConfiguration.class);
        System.out.printf(Locale.ROOT, "%n== %s: bcrypt cost %d, %d password-check threads, queue %d,"
                + " %d cores ==%n", database, security.getBcryptCost(), security.getPasswordCheckThreads(),
                security.getPasswordCheckQueue(), Runtime.getRuntime().availableProcessors());
        signIn(client, 2, 3);
        double bcrypt = bcryptPerSecond(context.getBean(PasswordHasher.class));
        System.out.printf(Locale.ROOT, "bcrypt alone, 1 thread: %6.2f comparisons/s%n", bcrypt);
        for (int clients : CLIENTS) {
            Map<Integer, LongAdder> answers = signIn(client, clients, SECONDS_PER_RUN);
            double issued = answers.getOrDefault(201, new LongAdder()).sum() / (double) SECONDS_PER_RUN;
            answers.remove(201);
            System.out.printf(Locale.ROOT, "%2d client(s): %6.2f sign-ins/s = %.2fx bcrypt on 1 thread;"
                    + " other answers %s%n", clients, issued, issued / bcrypt, answers);
        }
        String token = client.token("bench-user", PASSWORD);
        list(client, token, LISTINGS);
        List<Long> alone = list(client, token, LISTINGS);
        Map<Integer, LongAdder> floodAnswers = new ConcurrentHashMap<>();
        List<Long> flooded = duringFlood(client, floodAnswers, () -> list(client, token, LISTINGS));
        System.out.printf(Locale.ROOT, "GET /api/v1/guests alone:        p50 %7.2f ms  p99 %7.2f ms%n",
                percentile(alone, 50), percentile(alone, 99));
        System.out.printf(Locale.ROOT, "GET /api/v1/guests during flood: p50 %7.2f ms  p99 %7.2f ms"
                + "  (flood answers %s)%n", percentile(flooded, 50), percentile(flooded, 99), floodAnswers);
        System.out.printf(Locale.ROOT, "during flood / alone: p50 %.1fx, p99 %.1fx%n",
                percentile(flooded, 50) / percentile(alone, 50), percentile(flooded, 99) / percentile(alone, 99));
    }

    /** Comparisons of the right password with its bcrypt hash per second, on this thread, for 5 seconds. */
    private static double bcryptPerSecond(PasswordHasher hasher) {
        String hash = hasher.hash(PASSWORD);
        long start = System.nanoTime();
        int count = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            if (!hasher.matches(PASSWORD, hash)) {
                throw new IllegalStateException("bcrypt does not match its own hash");
            }
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code clients} clients, each with its own login, signing in for {@code seconds}; answers counted by status. */
    private static Map<Integer, LongAdder> signIn(PortalClient client, int clients, long seconds) throws Exception {
        Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String login = "bench-" + i;
                running.add(threads.submit(() -> {
                    while (System.nanoTime() < end) {
                        HttpResponse<String> answer = client.send("POST", "/api/v1/auth/token",
                                "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD + "\"}");
                        answers.computeIfAbsent(answer.statusCode(), status -> new LongAdder()).increment();
                    }
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return answers;
    }

    /** Runs {@code measured} while {@link #FLOOD_CLIENTS} clients send wrong passwords for unknown logins. */
    private static List<Long> duringFlood(PortalClient client, Map<Integer, LongAdder> answers,
                                          java.util.concurrent.Callable<List<Long>> measured) throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(FLOOD_CLIENTS);
        try {
            for (int i = 0; i < FLOOD_CLIENTS; i++) {
                String login = "ghost-" + i;
                threads.submit(() -> {
                    while (flooding.get()) {
                        int status = client.send("POST", "/api/v1/auth/token", "{\"login\":\"" + login
                                + "\",\"password\":\"wrong-guess\"}").statusCode();
                        answers.computeIfAbsent(status, key -> new LongAdder()).increment();
                    }
                });
            }
            Thread.sleep(2000);
            long start = System.nanoTime();
            long before = answers.values().stream().mapToLong(LongAdder::sum).sum();
            List<Long> result = measured.call();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "the flood meanwhile: %.0f sign-in answers/s%n",
                    (answers.values().stream().mapToLong(LongAdder::sum).sum() - before) / seconds);
            return result;
        } finally {
            flooding.set(false);
            threads.shutdown();
            threads.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private static List<Long> list(PortalClient client, String token, int count) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = client.get("/api/v1/guests", "Authorization", "Bearer " + token);
            nanos.add(System.nanoTime() - start);
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("GET /api/v1/guests answered " + answer.statusCode() + ": "
                        + answer.body());
            }
        }
        return nanos;
    }

    private static double percentile(List<Long> nanos, int percent) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100)) / 1e6;
    }
}
