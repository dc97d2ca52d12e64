package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.host.account.KvmAccess;
import io.kvmportal.host.account.KvmGrant;
import io.kvmportal.host.account.LinuxAccountName;
import io.kvmportal.host.account.LinuxAccounts;
import io.kvmportal.host.testing.ForeignAccount;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaService;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestImageFiles;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A user's guest through the REST API, on a real QEMU (TCG here) running the demo image as the user's own
 * Linux account: create, start, pause, screenshot, resume, force off, delete; and every refusal on the way.
 */
abstract class GuestApiContract extends DatabaseTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private final String login = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private final String leaving = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private final String installer = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private final String foreign = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private final String crowd = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    private final String strict = "kvmptest-" + UUID.randomUUID().toString().substring(0, 6);
    @Inject
    EmbeddedServer server;
    @Inject
    AccountService accounts;
    @Inject
    JsonMapper json;
    @Inject
    QuotaService quotas;
    @Inject
    ImageCatalog catalog;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "true");
        return properties;
    }

    /** A test that failed may have left a guest running (guests outlive the portal on purpose), and with it the account. */
    @AfterAll
    void removeWhatIsLeftOfTheAccounts() {
        for (String user : List.of(login, leaving, installer, foreign, crowd, strict)) {
            HostLeftovers.removeAccountOf(user);
        }
    }

    /**
     * A request is taken as it was written or refused naming the field: micronaut-serde alone made 1 of 1.5, "a"
     * of ["a"], 128 of "128" and 1 of true, and created the guest.
     */
    @Test
    void looseGuestRequestsAreRefusedNamingTheField() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(admin, new NewUser(strict, null, "strict-user-password", Role.USER));
        PortalClient client = new PortalClient(server.getPort());
        String me = "Bearer " + client.token(strict, "strict-user-password");
        long image = demoImage(client, me);
        String good = "{\"name\":\"vm1\",\"imageId\":" + image + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}";
        Map<String, String> refusals = Map.of(
                good.replace("\"vcpus\":1", "\"vcpus\":1.5"), "vcpus: expected a whole number, got 1.5",
                good.replace("\"vm1\"", "[\"vm1\"]"), "name: expected a string, got an array",
                good.replace("128", "\"128\""), "memoryMib: expected a whole number, got the string \"128\"",
                good.replace("\"diskGib\":1", "\"diskGib\":true"), "diskGib: expected a whole number, got true",
                good.replace("\"vcpus\":1", "\"vcpus\":1,\"cpus\":2"), "cpus: unknown property",
                good.replace("\"vm1\"", "null"), "name: a value is required, got null",
                good.replace(",\"diskGib\":1", ""), "required but missing: diskGib",
                good.replace("\"vcpus\":1", "\"vcpus\":4294967297"), "vcpus: 4294967297 is out of range");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String message = error(client.send("POST", "/api/v1/guests", refusal.getKey(), "Authorization", me), 400);
            assertTrue(message.contains(refusal.getValue()), refusal.getKey() + " -> " + message);
        }
        assertTrue(listGuests(client, me).isEmpty());
        // Path and query values of the wrong type are refused in words too.
        assertTrue(error(client.get("/api/v1/guests/abc", "Authorization", me), 400)
                .contains("id: expected a whole number, got \"abc\""));
        assertTrue(error(client.get("/api/v1/guests/1/serial?from=1.5", "Authorization", me), 400)
                .contains("from: expected a whole number, got \"1.5\""));
        long id = createGuest(client, me, "vm1", image);
        String renamed = error(client.send("PATCH", "/api/v1/guests/" + id, "{\"name\":\"vm\u202e1\"}",
                "Authorization", me), 400);
        assertTrue(renamed.contains("U+202E (RIGHT-TO-LEFT OVERRIDE) at character 3"), renamed);
        assertEquals(204, client.send("DELETE", "/api/v1/guests/" + id, null, "Authorization", me).statusCode());
    }

    @Test
    void aUserRunsTheirOwnGuestAndNobodyElseSeesIt() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(admin, new NewUser(login, null, "guest-user-password", Role.USER));
        accounts.create(admin, new NewUser("kvmptest-other", null, "other-user-password", Role.USER));
        PortalClient client = new PortalClient(server.getPort());
        String me = "Bearer " + client.token(login, "guest-user-password");
        String other = "Bearer " + client.token("kvmptest-other", "other-user-password");
        long image = demoImage(client, me);

        assertEquals(400, client.send("POST", "/api/v1/guests", "{\"name\":\"bad name\",\"imageId\":" + image
                + ",\"vcpus\":0,\"memoryMib\":1,\"diskGib\":1}", "Authorization", me).statusCode());
        assertEquals(404, client.send("POST", "/api/v1/guests", "{\"name\":\"vm1\",\"imageId\":999,\"vcpus\":1,"
                + "\"memoryMib\":128,\"diskGib\":1}", "Authorization", me).statusCode());
        Map<String, Object> created = body(client.send("POST", "/api/v1/guests", "{\"name\":\"vm1\",\"imageId\":"
                + image + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", "Authorization", me), 201);
        long id = ((Number) guest(created).get("id")).longValue();
        assertEquals("STOPPED", guest(created).get("state"));
        String path = "/api/v1/guests/" + id;
        assertEquals(404, client.get(path, "Authorization", other).statusCode());
        assertEquals(404, client.send("POST", path + "/actions/start", null, "Authorization", other).statusCode());

        Map<String, Object> running = body(client.send("POST", path + "/actions/start", null, "Authorization", me), 200);
        assertEquals("RUNNING", guest(running).get("state"));
        assertEquals("kvmp-" + login, running.get("linuxAccount"));
        int pid = ((Number) running.get("pid")).intValue();
        assertTrue(Files.readString(Path.of("/proc", "" + pid, "status")).contains("Uid:\t" + uid("kvmp-" + login)));
        // In a cgroup of its own under the configured parent, e.g. "4:memory:/kvmptest-portal/<uuid>" (v1).
        String cgroups = Files.readString(Path.of("/proc", "" + pid, "cgroup"));
        assertTrue(cgroups.lines().anyMatch(line -> line.matches("\\d+:[^:]*:/" + CGROUP_PARENT + "/[0-9a-f-]{36}")),
                cgroups);

        assertTrue(awaitSerial(client, path, me, "PORTAL-TEST-GUEST READY").contains("PORTAL-TEST-GUEST READY"));
        assertEquals(404, client.get(path + "/serial", "Authorization", other).statusCode());

        assertEquals("PAUSED", guest(body(client.send("POST", path + "/actions/pause", null, "Authorization", me),
                200)).get("state"));
        assertEquals(409, client.send("POST", path + "/actions/pause", null, "Authorization", me).statusCode());
        assertArrayEquals(PNG, Arrays.copyOf(screenshot(client.origin() + path + "/screenshot", me), 8));
        assertEquals("RUNNING", guest(body(client.send("POST", path + "/actions/resume", null, "Authorization", me),
                200)).get("state"));
        assertEquals(409, client.send("DELETE", path, null, "Authorization", me).statusCode());

        body(client.send("POST", path + "/actions/force-off", null, "Authorization", me), 200);
        awaitState(client, path, me, "STOPPED");
        assertEquals(204, client.send("DELETE", path, null, "Authorization", me).statusCode());
        assertEquals(404, client.get(path, "Authorization", me).statusCode());
        assertTrue(listGuests(client, me).isEmpty());
    }

    @Test
    void anAdminSeesEveryGuestProcessLikeTopAndDeletesAUserTogetherWithTheirGuests() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        long userId = accounts.create(admin, new NewUser(leaving, null, "leaving-user-password", Role.USER)).id();
        PortalClient client = new PortalClient(server.getPort());
        String adminAuth = "Bearer " + client.token("admin", "admin-password-1");
        String user = "Bearer " + client.token(leaving, "leaving-user-password");
        long image = demoImage(client, user);
        long running = createGuest(client, user, "runs", image);
        createGuest(client, user, "rests", image);
        int pid = ((Number) body(client.send("POST", "/api/v1/guests/" + running + "/actions/start", null,
                "Authorization", user), 200).get("pid")).intValue();

        List<Map<String, Object>> top = json.readValue(text(client.get("/api/v1/admin/host/processes",
                "Authorization", adminAuth), 200), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        Map<String, Object> listed = top.stream().filter(row -> ((Number) row.get("guestId")).longValue() == running)
                .findFirst().orElseThrow(() -> new AssertionError("the running guest is not listed: " + top));
        assertEquals(pid, ((Number) listed.get("pid")).intValue());
        assertEquals(leaving, listed.get("owner"));
        assertEquals("kvmp-" + leaving, listed.get("linuxAccount"));
        assertEquals("RUNNING", listed.get("state"));
        assertTrue(((Number) listed.get("rssBytes")).longValue() > 0);
        assertTrue(top.stream().noneMatch(row -> "rests".equals(row.get("guestName"))), "a stopped guest has no process");
        assertEquals(403, client.get("/api/v1/admin/host/processes", "Authorization", user).statusCode());

        String account = "/api/v1/admin/users/" + userId;
        assertEquals(409, client.send("DELETE", account, null, "Authorization", adminAuth).statusCode(),
                "a user with guests is not deleted unless the admin says so");
        assertEquals(403, client.send("DELETE", account + "?withGuests=true", null, "Authorization", user)
                .statusCode());
        assertEquals(2, listGuests(client, user).size(), "refusals touched no guest");
        Map<String, Object> deleted = body(client.send("DELETE", account + "?withGuests=true", null, "Authorization",
                adminAuth), 200);
        assertEquals(2, ((Number) deleted.get("deletedGuests")).intValue());
        assertEquals(null, deleted.get("linuxAccountLeft"), "the portal made this account, so it went");
        assertTrue(accounts.find(userId).isEmpty());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!Files.exists(Path.of("/proc/" + pid)) || Files.readString(Path.of("/proc/" + pid + "/stat"))
                .contains(") Z "), "QEMU of the deleted user's guest is gone");
        try (Stream<Path> guestDirs = Files.list(dataDir().resolve("guests"))) {
            assertEquals(List.of(), guestDirs.filter(dir -> dir.getFileName().toString().length() == 32)
                    .filter(dir -> isOwnedBy(dir, "kvmp-" + leaving)).toList(), "their guest directories are gone");
        }
        LinuxAccountName linuxAccount = LinuxAccountName.forLogin(leaving);
        assertTrue(LinuxAccounts.lookup(linuxAccount).isEmpty(), "their Linux account is gone");
        assertTrue(new KvmAccess().grants().stream().map(KvmGrant::user).noneMatch(linuxAccount.value()::equals),
                "and its /dev/kvm entry");
    }

    /** An account the portal did not create (an administrator's, another portal's) stays, and the answer says so. */
    @Test
    void deletingAUserWhoseLinuxAccountThePortalDidNotCreateAnswersThatItStayed() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        LinuxAccountName account = LinuxAccountName.forLogin(foreign);
        ForeignAccount.create(account, null);
        long userId = accounts.create(admin, new NewUser(foreign, null, "foreign-user-password", Role.USER)).id();
        PortalClient client = new PortalClient(server.getPort());
        String adminAuth = "Bearer " + client.token("admin", "admin-password-1");

        Map<String, Object> deleted = body(client.send("DELETE", "/api/v1/admin/users/" + userId, null,
                "Authorization", adminAuth), 200);
        assertEquals(0, ((Number) deleted.get("deletedGuests")).intValue());
        String left = (String) deleted.get("linuxAccountLeft");
        assertTrue(left.startsWith("The Linux account " + account + " and its /dev/kvm entry were left in place: it"
                + " does not carry this portal's mark"), left);
        assertTrue(accounts.find(userId).isEmpty());
        assertTrue(LinuxAccounts.lookup(account).isPresent(), "the account the portal did not create stays");
    }

    @Test
    void aGuestFromAnIsoGetsAnEmptyDiskAndBootsTheIsoFromItsCdDrive() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        accounts.create(admin, new NewUser(installer, null, "installer-password", Role.USER));
        PortalClient client = new PortalClient(server.getPort());
        String adminAuth = "Bearer " + client.token("admin", "admin-password-1");
        String user = "Bearer " + client.token(installer, "installer-password");
        Path iso = TestImageFiles.iso(Files.createTempFile("kvmptest-", ".iso"));
        long imageId;
        try {
            HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    client.origin() + "/api/v1/admin/images/upload?name=Installer&os=Linux&format=iso"
                            + "&minMemoryMib=128&minDiskGib=1")).header("Authorization", adminAuth)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(iso)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> image = body(published, 201);
            assertEquals("ISO", image.get("kind"));
            imageId = ((Number) image.get("id")).longValue();
        } finally {
            Files.deleteIfExists(iso);
        }

        long guestId = ((Number) guest(body(client.send("POST", "/api/v1/guests", "{\"name\":\"setup\",\"imageId\":"
                + imageId + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":2}", "Authorization", user), 201))
                .get("id")).longValue();
        Path dir = guestDirectory(guestId, client, user);
        String info = new String(new ProcessBuilder("qemu-img", "info", "--output=json", "-f", "qcow2",
                dir.resolve("disk.qcow2").toString()).start().getInputStream().readAllBytes());
        assertTrue(info.contains("\"virtual-size\": 2147483648"), info);
        assertTrue(!info.contains("backing-filename"), "an empty disk, not an overlay on the ISO: " + info);

        String path = "/api/v1/guests/" + guestId;
        int pid = ((Number) body(client.send("POST", path + "/actions/start", null, "Authorization", user), 200)
                .get("pid")).intValue();
        String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertTrue(commandLine.contains("ide-cd,drive=cd0,bus=ide.0,bootindex=0"), commandLine);
        assertTrue(commandLine.contains("read-only=on"), "the ISO is read-only: " + commandLine);
        body(client.send("POST", path + "/actions/force-off", null, "Authorization", user), 200);
        awaitState(client, path, user, "STOPPED");

        // Withdrawn while its guest has it in the CD drive: the file stays until that guest is gone.
        Path isoFile = agent().imageFile(catalog.storeId(imageId), "iso");
        assertTrue(Files.isRegularFile(isoFile), isoFile.toString());
        assertEquals(204, client.send("DELETE", "/api/v1/admin/images/" + imageId, null, "Authorization", adminAuth)
                .statusCode());
        assertTrue(Files.isRegularFile(isoFile), "the withdrawn ISO went while a guest still boots from it");
        assertEquals(204, client.send("DELETE", path, null, "Authorization", user).statusCode());
        assertFalse(Files.exists(isoFile), "the withdrawn ISO outlived its last guest: " + isoFile);
    }

    /**
     * A new user's first 40 guests created at once (a script, or a click-happy user): each create makes the user's
     * Linux account if it is not there yet. All 40 are made, every disk is the account's, and guests start as it.
     * Before the host serialized a login's changes, racing useradds gave the account a new uid under creates that
     * had already used the old one (2 to 4 of 40 disks owned by another uid, in 3 of 3 runs), and those guests'
     * QEMU, running as the account, could not open their disks. Three are started (TCG guests are heavy on 2 cores):
     * any whose disk came out wrong first, then the first, a middle and the last created.
     */
    @Test
    void fortyParallelFirstCreatesOfANewUserGiveGuestsThatAllStartAsTheirAccount() throws Exception {
        var admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
        long userId = accounts.create(admin, new NewUser(crowd, null, "crowd-user-password", Role.USER)).id();
        quotas.setLimits(admin, userId, new QuotaLimits(40, 3, 3, 1024, 40));
        PortalClient client = new PortalClient(server.getPort());
        String auth = "Bearer " + client.token(crowd, "crowd-user-password");
        long image = demoImage(client, auth);

        List<Long> ids = createAtOnce(client, auth, image, 40);

        int uid = Integer.parseInt(uid("kvmp-" + crowd));
        List<Long> wrong = new ArrayList<>();
        for (long id : ids) {
            Path disk = guestDirectory(id, client, auth).resolve("disk.qcow2");
            if ((Integer) Files.getAttribute(disk, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
                wrong.add(id);
            }
        }
        List<Long> picked = new ArrayList<>(wrong);
        for (long id : List.of(ids.get(0), ids.get(ids.size() / 2), ids.get(ids.size() - 1))) {
            if (picked.size() < 3 && !picked.contains(id)) {
                picked.add(id);
            }
        }
        List<String> runAs = new ArrayList<>();
        for (long id : picked.subList(0, 3)) {
            runAs.add(id + ": " + startedAs(client, auth, id));
        }
        assertEquals(List.of(), wrong, "guests whose disk is not the account's (uid " + uid + "); started: " + runAs);
        for (String started : runAs) {
            assertTrue(started.endsWith("uid " + uid), "each started guest's QEMU runs as the account: " + runAs);
        }
    }

    /** POSTs {@code count} guests released together; answers their ids in order, each create having answered 201. */
    private List<Long> createAtOnce(PortalClient client, String auth, long image, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> creates = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = "{\"name\":\"c" + i + "\",\"imageId\":" + image
                        + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}";
                creates.add(pool.submit(() -> {
                    go.await();
                    return client.send("POST", "/api/v1/guests", body, "Authorization", auth);
                }));
            }
            go.countDown();
            List<Long> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> create : creates) {
                ids.add(((Number) guest(body(create.get(5, TimeUnit.MINUTES), 201)).get("id")).longValue());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starts the guest, answers whom its QEMU runs as ("uid N", or why it did not start), and forces it off. */
    private String startedAs(PortalClient client, String auth, long id) throws Exception {
        String path = "/api/v1/guests/" + id;
        HttpResponse<String> started = client.send("POST", path + "/actions/start", null, "Authorization", auth);
        if (started.statusCode() != 200) {
            return "not started, " + started.statusCode() + " " + started.body();
        }
        int pid = ((Number) json.readValue(started.body(), Argument.mapOf(String.class, Object.class)).get("pid"))
                .intValue();
        String uidLine = Files.readAllLines(Path.of("/proc", "" + pid, "status")).stream()
                .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();
        body(client.send("POST", path + "/actions/force-off", null, "Authorization", auth), 200);
        awaitState(client, path, auth, "STOPPED");
        return "uid " + uidLine.split("\\s+")[1];
    }

    /** The guest's own directory on the host, named by its UUID. */
    private Path guestDirectory(long guestId, PortalClient client, String auth) throws IOException {
        String uuid = (String) guest(body(client.get("/api/v1/guests/" + guestId, "Authorization", auth), 200))
                .get("uuid");
        Path dir = dataDir().resolve("guests").resolve(uuid.replace("-", ""));
        assertTrue(Files.isDirectory(dir), dir.toString());
        return dir;
    }

    private long createGuest(PortalClient client, String auth, String name, long image) throws IOException {
        return ((Number) guest(body(client.send("POST", "/api/v1/guests", "{\"name\":\"" + name + "\",\"imageId\":"
                + image + ",\"vcpus\":1,\"memoryMib\":128,\"diskGib\":1}", "Authorization", auth), 201))
                .get("id")).longValue();
    }

    private static boolean isOwnedBy(Path dir, String account) {
        try {
            return Files.getOwner(dir).getName().equals(account);
        } catch (IOException e) {
            return false;
        }
    }

    private long demoImage(PortalClient client, String auth) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> images = json.readValue(client.get("/api/v1/images", "Authorization", auth)
                    .body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (!images.isEmpty()) {
                return ((Number) images.get(0).get("id")).longValue();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the demo image was not published within 5 minutes");
    }

    /** Reads the serial output the way a client would, from {@code next} to {@code next}, until it shows {@code text}. */
    private String awaitSerial(PortalClient client, String path, String auth, String text) throws Exception {
        StringBuilder seen = new StringBuilder();
        long next = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<String, Object> out = body(client.get(path + "/serial?from=" + next, "Authorization", auth), 200);
            assertEquals(next, ((Number) out.get("from")).longValue(), "continues where the last read ended");
            seen.append((String) out.get("text"));
            next = ((Number) out.get("next")).longValue();
            if (seen.indexOf(text) >= 0) {
                return seen.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the serial output never showed " + text + ": " + seen);
    }

    private void awaitState(PortalClient client, String path, String auth, String state) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (state.equals(guest(body(client.get(path, "Authorization", auth), 200)).get("state"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("guest never became " + state);
    }

    private List<Map<String, Object>> listGuests(PortalClient client, String auth) throws IOException {
        return json.readValue(client.get("/api/v1/guests", "Authorization", auth).body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    /** The message of an answer in the one error shape, after checking its status. */
    private String error(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        return (String) json.readValue(response.body(), Map.class).get("message");
    }

    private static String text(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    private Map<String, Object> body(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> guest(Map<String, Object> view) {
        return (Map<String, Object>) view.get("guest");
    }

    private static byte[] screenshot(String url, String auth) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static String uid(String account) throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream().filter(line -> line.startsWith(account + ":"))
                .map(line -> line.split(":")[2]).findFirst().orElseThrow();
    }
}
