package io.kvmportal.bench;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: quota-checked guest creates per second ({@link GuestRegistry#reserveNew}: lock the
 * owner's row, count their guests and disk against the quota, check the name, insert) with 1, 8 and 32 clients
 * at once, on H2 and on PostgreSQL. In the same run, as baselines: a transaction with {@code SELECT 1}, and the
 * same guest row inserted without lock and checks. Two kinds of load: every client its own user (the lock never
 * waits), and all clients one user (the lock makes them take turns, as it must). The database part only: the
 * full create adds {@code qemu-img} and is measured by the ui module's GuestListBenchmark.
 *
 * <p>Run from the repository root after a build ({@code postgres} needs {@code KVMP_TEST_PG_URL}, a server
 * such as the one {@code ./test.sh} starts):
 * <pre>
 * mvn -B -q -pl backend -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
 *     -Dmdep.includeScope=test
 * java -cp backend/target/test-classes:backend/target/classes:$(cat backend/target/classpath.txt) \
 *     io.kvmportal.bench.QuotaCreateBenchmark h2 postgres
 * </pre>
 */
public final class QuotaCreateBenchmark {
    private static final int[] CLIENTS = {1, 8, 32};
    private static final int OPERATIONS = 3000;
    private static final int ROUNDS = 15;
    private static final int REPEATS = 3;
    private static final String ADMIN_PASSWORD = "bench-admin-password";

    private QuotaCreateBenchmark() {
    }

    /** One kind of transaction, made by client {@code client} for the {@code n}th time. */
    private interface Operation {
        void run(int client, int n);
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
        properties.put("portal.admin.password", ADMIN_PASSWORD);
        // As the portal runs: the pool size of ui's application.yml.
        properties.put("datasources.default.maximum-pool-size", 20);
        try (ApplicationContext context = ApplicationContext.builder().environments("test").properties(properties)
                .start()) {
            GuestRegistry registry = context.getBean(GuestRegistry.class);
            BenchStatements statements = context.getBean(BenchStatements.class);
            List<Actor> users = users(context, CLIENTS[CLIENTS.length - 1]);
            System.out.printf(Locale.ROOT, "%n== %s: each row %d times %d operations in rounds of %d, guests"
                    + " deleted between rounds; ops/s median (min-max), latency per operation ==%n", database,
                    REPEATS, OPERATIONS, OPERATIONS / ROUNDS);
            Runnable nothing = () -> { };
            for (int clients : CLIENTS) {
                List<Scenario> scenarios = List.of(
                        new Scenario("SELECT 1 (transaction)", (c, n) -> statements.selectOne(), nothing),
                        new Scenario("INSERT guest, no quota", (c, n) -> statements.insertGuest(users.get(c).id(),
                                "i" + c + "-" + n), statements::deleteGuests),
                        new Scenario("reserveNew, own user", (c, n) -> registry.reserveNew(users.get(c),
                                new NewGuest("r" + c + "-" + n, null, 1, 128, 1)), statements::deleteGuests),
                        new Scenario("reserveNew, one user", (c, n) -> registry.reserveNew(users.get(0),
                                new NewGuest("s" + c + "-" + n, null, 1, 128, 1)), statements::deleteGuests));
                Map<Scenario, Figures> figures = new LinkedHashMap<>();
                scenarios.forEach(scenario -> figures.put(scenario, new Figures()));
                // Interleaved, so that a burst of load from elsewhere on the machine hits every row alike.
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    for (Scenario scenario : scenarios) {
                        figures.get(scenario).add(measure(clients, scenario));
                    }
                }
                figures.forEach((scenario, measured) -> measured.print(scenario.name(), clients));
                double select = figures.get(scenarios.get(0)).medianPerSecond();
                double insert = figures.get(scenarios.get(1)).medianPerSecond();
                System.out.printf(Locale.ROOT, "   %2d clients: reserveNew/INSERT %.2f (own user), %.2f (one user);"
                        + " INSERT/SELECT 1 %.2f   [ratios of median throughput]%n", clients,
                        figures.get(scenarios.get(2)).medianPerSecond() / insert,
                        figures.get(scenarios.get(3)).medianPerSecond() / insert, insert / select);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** Users with room for every guest the benchmark makes; the quota is checked all the same. */
    private static List<Actor> users(ApplicationContext context, int count) {
        AccountService accounts = context.getBean(AccountService.class);
        QuotaService quotas = context.getBean(QuotaService.class);
        Actor admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow().actor();
        List<Actor> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Actor user = accounts.create(admin, new NewUser("bench" + i, null, "bench-password", Role.USER)).actor();
            quotas.setLimits(admin, user.id(), new QuotaLimits(10_000, 1, 1, 1024, 1024 * 1024));
            users.add(user);
        }
        return users;
    }

    private record Scenario(String name, Operation operation, Runnable cleanUp) {
    }

    /** One run: operations per second, and the nanoseconds of each operation. */
    private record Run(double perSecond, List<Long> nanos) {
    }

    /** The runs of one scenario. */
    private static final class Figures {
        private final List<Double> perSecond = new ArrayList<>();
        private final List<Long> nanos = new ArrayList<>();

        void add(Run run) {
            perSecond.add(run.perSecond());
            nanos.addAll(run.nanos());
        }

        double medianPerSecond() {
            return perSecond.stream().sorted().toList().get(perSecond.size() / 2);
        }

        void print(String what, int clients) {
            List<Long> sorted = nanos.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "%-24s %2d clients: %6.0f ops/s (%.0f-%.0f)   p50 %6.2f ms"
                    + "   p99 %7.2f ms%n", what, clients, medianPerSecond(), Collections.min(perSecond),
                    Collections.max(perSecond), sorted.get(sorted.size() / 2) / 1e6,
                    sorted.get(sorted.size() * 99 / 100) / 1e6);
        }
    }

    /**
     * Runs the operation OPERATIONS times over {@code clients} threads (started once, in the warm-up round), in
     * ROUNDS rounds with the guests deleted in between (not timed). The quota counts a user's guests row by row,
     * so the rounds keep every user at a size real users have (at most one round's guests).
     */
    private static Run measure(int clients, Scenario scenario) throws Exception {
        int perRound = OPERATIONS / ROUNDS;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            split(pool, clients, perRound, scenario.operation(), 0);
            scenario.cleanUp().run();
            List<Long> latencies = new ArrayList<>();
            long nanos = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                long start = System.nanoTime();
                latencies.addAll(split(pool, clients, perRound, scenario.operation(), round * perRound));
                nanos += System.nanoTime() - start;
                scenario.cleanUp().run();
            }
            return new Run(latencies.size() / (nanos / 1e9), latencies);
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code total} operations shared out over the pool's clients; answers the nanoseconds of each. */
    private static List<Long> split(ExecutorService pool, int clients, int total, Operation operation, int offset)
            throws Exception {
        List<Future<List<Long>>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            int share = total / clients + (c < total % clients ? 1 : 0);
            done.add(pool.submit((Callable<List<Long>>) () -> {
                List<Long> nanos = new ArrayList<>(share);
                for (int n = offset; n < offset + share; n++) {
                    long begin = System.nanoTime();
                    operation.run(client, n);
                    nanos.add(System.nanoTime() - begin);
                }
                return nanos;
            }));
        }
        List<Long> all = new ArrayList<>(total);
        for (Future<List<Long>> future : done) {
            all.addAll(future.get());
        }
        return all;
    }
}
