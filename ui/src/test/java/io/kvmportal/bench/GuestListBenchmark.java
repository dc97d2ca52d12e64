package io.kvmportal.bench;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.agent.HostAgent;
import io.kvmportal.api.Actor;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.GuestService;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.host.testing.ScratchAgent;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.testing.TestDatabase;
import io.kvmportal.testing.TestRows;
import io.kvmportal.web.PortalClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: {@code GET /api/v1/guests} of a user with 1,000 guests (stopped, written straight into
 * the database) through the real portal over HTTP, p50 and p99, against {@code GET /api/v1/health} and
 * {@code GET /api/v1/me} interleaved in the same run, and the service method behind the list called directly
 * (what HTTP and JSON add). With {@code --create} it also times the full REST create
 * of one client ({@code POST /api/v1/guests}: quota, then the guest's {@code qemu-img} overlay on the demo image)
 * against {@code GuestRegistry.reserveNew} alone, then deletes those guests and their Linux account (root).
 *
 * <p>Run from the repository root after a build ({@code postgres} needs {@code KVMP_TEST_PG_URL}):
 * <pre>
 * mvn -B -q -pl ui -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
 *     -Dmdep.includeScope=test
 * java -cp ui/target/test-classes:ui/target/classes:$(cat ui/target/classpath.txt) \
 *     io.kvmportal.bench.GuestListBenchmark h2 postgres [--create]
 * </pre>
 */
public final class GuestListBenchmark {
    private static final int GUESTS = 1000;
    private static final int WARM_UP = 200;
    private static final int ROUNDS = 1000;
    private static final int CREATES = 20;
    private static final String PASSWORD = "bench-password-1";

    private GuestListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean create = List.of(args).contains("--create");
        List<String> databases = Stream.of(args).filter(arg -> !arg.startsWith("--")).toList();
        for (String database : databases.isEmpty() ? List.of("h2") : databases) {
            try (TestDatabase db = "postgres".equals(database) ? TestDatabase.postgres() : TestDatabase.h2()) {
                run(database, db, create);
            }
        }
    }

    private static void run(String database, TestDatabase db, boolean create) throws Exception {
        Path dataDir = Files.createTempDirectory("kvmptest-bench-");
        // As the portal makes it: guest accounts pass through to their disks.
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
        ScratchAgent agent = ScratchAgent.start(dataDir, "kvmptest-bench");
        Map<String, Object> properties = new HashMap<>(db.properties());
        properties.put("portal.data-dir", dataDir.toString());
        properties.put("portal.host.agent-socket", agent.socket().toString());
        properties.put("portal.console.screen-socket", agent.screenSocket().toString());
        properties.put("portal.admin.password", PASSWORD);
        properties.put("portal.images.demo", create);
        properties.put("datasources.default.maximum-pool-size", 20);
        String login = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
        try (ApplicationContext context = ApplicationContext.builder().environments("test").properties(properties)
                .start()) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            Api api = new Api(server.getPort());
            AccountService accounts = context.getBean(AccountService.class);
            Actor admin = accounts.checkPassword("admin", PASSWORD).orElseThrow().actor();
            Actor user = accounts.create(admin, new NewUser(login, null, PASSWORD, Role.USER)).actor();
            context.getBean(QuotaService.class).setLimits(admin, user.id(), new QuotaLimits(10_000, 1, 1, 1024,
                    1024 * 1024));
            TestRows rows = context.getBean(TestRows.class);
            long listedImage = rows.publishImage("bench-image");
            rows.insertStoppedGuests(user.id(), listedImage, "listed", GUESTS);
            String token = api.token(login);
            System.out.printf(Locale.ROOT, "%n== %s: %d guests, %d rounds after %d to warm up ==%n", database, GUESTS,
                    ROUNDS, WARM_UP);
            GuestService guests = context.getBean(GuestService.class);
            listGuests(api, token, () -> guests.list(user).size());
            if (create) {
                try {
                    long demoImage = api.awaitDemoImage(token, listedImage);
                    createGuests(api, token, demoImage, context.getBean(GuestRegistry.class), rows, user);
                } finally {
                    context.getBean(HostAgent.class).removeAccount(login);
                }
            }
        } finally {
            agent.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** The three calls in turn; then the service method behind the list alone, without HTTP and JSON. */
    private static void listGuests(Api api, String token, IntSupplier serviceList) {
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        List<String> paths = List.of("/api/v1/health", "/api/v1/me", "/api/v1/guests");
        paths.forEach(path -> latencies.put(path, new ArrayList<>()));
        List<Long> service = new ArrayList<>();
        int size = 0;
        for (int round = 0; round < WARM_UP + ROUNDS; round++) {
            long listed = System.nanoTime();
            if (serviceList.getAsInt() != GUESTS) {
                throw new IllegalStateException("the user does not have " + GUESTS + " guests");
            }
            if (round >= WARM_UP) {
                service.add(System.nanoTime() - listed);
            }
            for (String path : paths) {
                long start = System.nanoTime();
                HttpResponse<String> response = api.send("GET", path, null, token, 200);
                long nanos = System.nanoTime() - start;
                if (round >= WARM_UP) {
                    latencies.get(path).add(nanos);
                }
                if (path.endsWith("guests")) {
                    size = response.body().length();
                }
            }
        }
        latencies.forEach((path, nanos) -> System.out.printf(Locale.ROOT, "GET %-16s p50 %7.2f ms   p99 %7.2f ms%n",
                path, percentile(nanos, 50), percentile(nanos, 99)));
        System.out.printf(Locale.ROOT, "GuestService.list alone p50 %7.2f ms   p99 %7.2f ms%n", percentile(service, 50),
                percentile(service, 99));
        List<Long> guests = latencies.get("/api/v1/guests");
        List<Long> me = latencies.get("/api/v1/me");
        System.out.printf(Locale.ROOT, "guest list / me: p50 %.1fx, p99 %.1fx; the list is %d KiB of JSON%n",
                percentile(guests, 50) / percentile(me, 50), percentile(guests, 99) / percentile(me, 99), size / 1024);
    }

    /** One client, one at a time: the full create against its database part alone. */
    private static void createGuests(Api api, String token, long imageId, GuestRegistry registry, TestRows rows,
                                     Actor user) {
        List<Long> rest = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < CREATES; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = api.send("POST", "/api/v1/guests", "{\"name\":\"made-" + i
                    + "\",\"imageId\":" + imageId + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", token, 201);
            rest.add(System.nanoTime() - start);
            created.add(Api.id(response.body()));
        }
        for (String id : created) {
            api.send("DELETE", "/api/v1/guests/" + id, null, token, 204);
        }
        List<Long> reserve = new ArrayList<>();
        for (int i = 0; i < CREATES * 10; i++) {
            long start = System.nanoTime();
            registry.reserveNew(user, new NewGuest("reserved-" + i, imageId, 1, 128, 1));
            reserve.add(System.nanoTime() - start);
        }
        rows.deleteGuests(user.id(), "reserved");
        double restMedian = percentile(rest, 50);
        double reserveMedian = percentile(reserve, 50);
        System.out.printf(Locale.ROOT, "POST /api/v1/guests, 1 client: p50 %.1f ms (%.1f creates/s), max %.1f ms;"
                + " reserveNew alone p50 %.2f ms; ratio %.0fx%n", restMedian, 1000 / restMedian,
                percentile(rest, 100), reserveMedian, restMedian / reserveMedian);
    }

    private static double percentile(List<Long> nanos, int percent) {
        List<Long> sorted = nanos.stream().sorted().toList();
        int index = Math.min(sorted.size() - 1, sorted.size() * percent / 100);
        return sorted.get(index) / 1e6;
    }

    /** The portal's REST API as a script calls it, with a bearer token; every answer must have its status. */
    private static final class Api {
        private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
        private final PortalClient client;

        Api(int port) {
            this.client = new PortalClient(port);
        }

        String token(String login) {
            String body = send("POST", "/api/v1/auth/token", "{\"login\":\"" + login + "\",\"password\":\""
                    + PASSWORD + "\"}", null, 201).body();
            return body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        }

        /** The first image but the benchmark's own file-less one: the demo image, built at start. */
        long awaitDemoImage(String token, long fileless) throws InterruptedException {
            for (int i = 0; i < 600; i++) {
                Matcher image = ID.matcher(send("GET", "/api/v1/images", null, token, 200).body());
                while (image.find()) {
                    if (Long.parseLong(image.group(1)) != fileless) {
                        return Long.parseLong(image.group(1));
                    }
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("the demo image was not published within 5 minutes");
        }

        static String id(String body) {
            Matcher id = ID.matcher(body);
            if (!id.find()) {
                throw new IllegalStateException("no id in " + body);
            }
            return id.group(1);
        }

        HttpResponse<String> send(String method, String path, String json, String token, int status) {
            HttpResponse<String> response = token == null ? client.send(method, path, json)
                    : client.send(method, path, json, "Authorization", "Bearer " + token);
            if (response.statusCode() != status) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response;
        }
    }
}
