package io.kvmportal.host.bench;

import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.GuestDefinition;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.grpc.AgentServer;
import io.kvmportal.agent.grpc.GrpcHostAgent;
import io.kvmportal.host.HostConfig;
import io.kvmportal.host.agent.LocalAgent;
import io.kvmportal.host.cgroup.GuestCgroups;
import io.kvmportal.host.kvm.Accelerator;
import io.kvmportal.host.testing.HostLeftovers;
import io.kvmportal.host.testing.TestNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Benchmark, not a test. Start latency through the host agent, in one run that takes turns between (a) bare
 * {@code qemu-system-x86_64} with the guest's QEMU arguments, started by root until QMP is negotiated, (b)
 * {@code Host.start} in this JVM (as before the split), and (c) {@code GrpcHostAgent.start} over AgentServer's unix
 * socket to a {@link LocalAgent} (as the portal starts guests now). All three answer once QEMU's QMP has greeted and
 * accepted {@code qmp_capabilities}: (c) returns what {@code Host.start} returns, and QMP is then shown to answer by a
 * pause and a resume through the agent (not timed). Each turn rotates the order, so that no route always goes first.
 * Prints p50 and p90 of each, the ratios to bare QEMU (the goal: (c) at most 1.3x) and the hop, (c) - (b),
 * as the difference of the medians and as the median of each turn's difference (the goal: at most 2 ms).
 * Run as root from the repository root after {@code mvn -pl kvm-host -am test-compile}:
 * <pre>
 * mvn -B -q -pl kvm-host dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
 *     -cp kvm-host/target/test-classes:kvm-host/target/classes:$(cat kvm-host/target/classpath.txt) \
 *     io.kvmportal.host.bench.AgentStartLatencyBenchmark [turns]
 * </pre>
 */
public final class AgentStartLatencyBenchmark {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private AgentStartLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<Double> bare = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> agent = new ArrayList<>();
        List<Double> hops = new ArrayList<>();
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        try (BenchGuests bench = new BenchGuests(); AgentRoute route = new AgentRoute()) {
            route.warmUp();
            for (int i = 0; i < turns; i++) {
                io.kvmportal.host.GuestDefinition guest = bench.newGuest("bench-" + i, 128);
                GuestDefinition remote = route.newGuest("bench-agent-" + i);
                double[] took = new double[3];
                for (int step = 0; step < 3; step++) {
                    int which = (i + step) % 3;
                    took[which] = switch (which) {
                        case 0 -> StartLatencyBenchmark.bareQemu(bench, guest);
                        case 1 -> directStart(bench, guest);
                        default -> route.start(remote);
                    };
                }
                bench.host.deleteGuest(guest.uuid(), bench.login);
                route.delete(remote);
                bare.add(took[0]);
                direct.add(took[1]);
                agent.add(took[2]);
                hops.add(took[2] - took[1]);
            }
        }
        print(bare, direct, agent, hops, load);
    }

    private static double directStart(BenchGuests bench, io.kvmportal.host.GuestDefinition guest) {
        long start = System.nanoTime();
        bench.host.start(guest);
        double took = (System.nanoTime() - start) / 1e6;
        bench.host.forceOff(guest.uuid());
        return took;
    }

    private static void print(List<Double> bare, List<Double> direct, List<Double> agent, List<Double> hops,
                              String loadBefore) throws Exception {
        System.out.printf(Locale.ROOT, "%n== start until QMP ready, %d turns, %d cores, load average before %s,"
                + " after %s ==%n", bare.size(), Runtime.getRuntime().availableProcessors(), loadBefore,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("(a) bare qemu-system:                 " + BenchGuests.figures(bare));
        System.out.println("(b) Host.start in this JVM:           " + BenchGuests.figures(direct));
        System.out.println("(c) GrpcHostAgent.start -> agent:     " + BenchGuests.figures(agent));
        System.out.printf(Locale.ROOT, "(c)/(a): p50 %.2fx, p90 %.2fx | (b)/(a): p50 %.2fx, p90 %.2fx%n",
                ratio(agent, bare, 50), ratio(agent, bare, 90), ratio(direct, bare, 50), ratio(direct, bare, 90));
        System.out.printf(Locale.ROOT, "the hop (c)-(b): medians' difference %.1f ms; per turn: %s%n",
                BenchGuests.median(agent) - BenchGuests.median(direct), BenchGuests.figures(hops));
    }

    private static double ratio(List<Double> values, List<Double> baseline, int percent) {
        return BenchGuests.percentile(values, percent) / BenchGuests.percentile(baseline, percent);
    }

    /**
     * A {@link LocalAgent} of its own (data directory, cgroup parent, login), served on a scratch unix socket to this
     * process's uid, and the portal's client to it.
     */
    private static final class AgentRoute implements AutoCloseable {
        private final Path dataDir = TestNames.tempDirectory();
        private final String cgroupParent = TestNames.random();
        private final String login = TestNames.random();
        private final List<UUID> guests = new ArrayList<>();
        private final LocalAgent agent;
        private final AgentServer server;
        private final GrpcHostAgent client;
        private final String imageId;

        AgentRoute() throws Exception {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            agent = new LocalAgent(new HostConfig(dataDir.resolve("guests"), dataDir.resolve("images"),
                    dataDir.resolve(HostConfig.INSTALLATION_ID), Accelerator.TCG, DEADLINE, cgroupParent),
                    dataDir.resolve("portal").resolve("screens.sock"), uid);
            server = AgentServer.start(agent, dataDir.resolve("agent.sock"), Set.of(uid), gid);
            client = GrpcHostAgent.overUnixSocket(dataDir.resolve("agent.sock"), DEADLINE);
            imageId = client.publishDemoImage().imageId();
        }

        /** One start unmeasured: the first call's channel, classes and JIT are not the hop's. */
        void warmUp() throws Exception {
            GuestDefinition guest = newGuest("bench-agent-warm-up");
            start(guest);
            delete(guest);
        }

        GuestDefinition newGuest(String name) {
            UUID uuid = UUID.randomUUID();
            guests.add(uuid);
            client.createDisk(uuid, login, Optional.of(imageId), 64L << 20);
            return new GuestDefinition(uuid, name, login, 1, 128, BootKind.KERNEL, imageId, Nic.USER);
        }

        /** Milliseconds until the agent answered; then QMP is shown to answer, and the guest is forced off. */
        double start(GuestDefinition guest) {
            long start = System.nanoTime();
            client.start(guest);
            double took = (System.nanoTime() - start) / 1e6;
            client.pause(guest.uuid());
            client.resume(guest.uuid());
            client.forceOff(guest.uuid());
            return took;
        }

        void delete(GuestDefinition guest) {
            client.deleteGuest(guest.uuid(), login);
        }

        @Override
        public void close() throws Exception {
            try {
                for (UUID guest : guests) {
                    if (agent.processes(List.of(guest)).containsKey(guest)) {
                        agent.forceOff(guest);
                    }
                }
                client.close();
                server.close();
                agent.close();
            } finally {
                HostLeftovers.removeAccountOf(login);
                for (UUID guest : guests) {
                    new GuestCgroups(cgroupParent).destroy(guest.toString());
                }
                new GuestCgroups(cgroupParent).removeParentIfEmpty();
                TestNames.deleteTree(dataDir);
            }
        }
    }
}
