package io.kvmportal.bench;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.account.UserView;
import io.kvmportal.guest.GuestRegistry;
import io.kvmportal.guest.GuestState;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.web.console.FakeScreens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The portal for {@link ConsoleProxyBenchmark}, in a JVM of its own (as websockify is a process of its own): the
 * real web shell and console endpoint, on an in-memory H2 database, with every guest's screen replaced by the
 * benchmark's TCP source (args[0] is its port), and beside it a {@link PlainRelay} and a {@link SpliceRelay} to the
 * same source; args[1] {@code copy} turns the consoles' zero-copy path off. It prints
 * {@code BENCH ready <port> <guestId> <plain relay port> <splice relay port>}, then answers {@code memory} on stdin
 * with its heap, direct buffers, threads and RSS after a full GC.
 */
public final class BenchPortal {
    static final String LOGIN = "bench-user";
    static final String PASSWORD = "bench-user-password";
    private static final String ADMIN_PASSWORD = "bench-admin-password";

    private BenchPortal() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("kvmptest-bench-");
        try (ApplicationContext context = ApplicationContext.builder().properties(Map.of(
                "datasources.default.url", "jdbc:h2:mem:kvmptest-bench;DB_CLOSE_DELAY=-1",
                "portal.data-dir", data.toString(),
                "portal.admin.password", ADMIN_PASSWORD,
                "portal.images.demo", "false",
                "portal.security.bcrypt-cost", "4",
                "portal.console.max-per-user", "100000",
                "portal.console.token-lifetime", "120s",
                "portal.console.zero-copy", Boolean.toString(args.length < 2 || !"copy".equals(args[1])),
                "kvmptest.fake-screens", "true",
                "micronaut.server.port", "-1")).start()) {
            InetSocketAddress source = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
            context.getBean(FakeScreens.class).connectTo(source);
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            AccountService accounts = context.getBean(AccountService.class);
            UserView admin = accounts.checkPassword("admin", ADMIN_PASSWORD).orElseThrow();
            UserView user = accounts.create(admin.actor(), new NewUser(LOGIN, null, PASSWORD, Role.USER));
            GuestRegistry guests = context.getBean(GuestRegistry.class);
            long guest = guests.reserveNew(user.actor(), new NewGuest("bench", null, 1, 128, 1)).id();
            guests.advance(guest, GuestState.CREATING, GuestState.RUNNING, null);
            try (PlainRelay plain = new PlainRelay(source); SpliceRelay splice = new SpliceRelay(source)) {
                System.out.println("BENCH ready " + server.getPort() + " " + guest + " " + plain.port() + " "
                        + splice.port());
                answerCommands();
            }
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void answerCommands() throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = commands.readLine(); command != null && !"quit".equals(command);
             command = commands.readLine()) {
            if ("memory".equals(command)) {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(200);
                }
                long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                        .filter(pool -> "direct".equals(pool.getName())).mapToLong(BufferPoolMXBean::getMemoryUsed)
                        .sum();
                System.out.println("BENCH memory " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                        + " " + direct + " " + ManagementFactory.getThreadMXBean().getThreadCount() + " " + rssBytes());
            }
        }
    }

    private static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
