package io.kvmportal.bench;

import io.kvmportal.agent.HostAgent;
import io.kvmportal.agent.grpc.AgentServer;
import io.kvmportal.agent.grpc.GrpcHostAgent;
import io.kvmportal.agent.grpc.MemoryAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Benchmark, not a test: what the hop to the host agent adds to a call. {@code facts()} of an in-memory agent,
 * called directly in this JVM and through GrpcHostAgent over AgentServer's unix socket, one call at a time, p50 and
 * p99 of each in the same run, and the difference (the goal: the hop adds at most 2 ms at p50).
 *
 * <p>Run from the repository root after a build:
 * <pre>
 * mvn -B -q -pl agent-api -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
 *     -Dmdep.includeScope=test
 * java -cp agent-api/target/test-classes:agent-api/target/classes:$(cat agent-api/target/classpath.txt) \
 *     io.kvmportal.bench.AgentHopBenchmark
 * </pre>
 */
public final class AgentHopBenchmark {
    private static final int WARM_UP = 5_000;
    private static final int CALLS = 20_000;
    private static final int ROUNDS = 3;

    private AgentHopBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("kvmptest-bench-");
        Path socket = directory.resolve("agent.sock");
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        MemoryAgent agent = new MemoryAgent();
        System.out.printf(Locale.ROOT, "%n== facts(): %d calls per round, %d cores, load average %s ==%n", CALLS,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());
        try (AgentServer server = AgentServer.start(agent, socket, Set.of(uid), gid);
             GrpcHostAgent remote = GrpcHostAgent.overUnixSocket(socket, Duration.ofSeconds(10))) {
            measure(agent, WARM_UP);
            measure(remote, WARM_UP);
            for (int round = 1; round <= ROUNDS; round++) {
                long[] direct = measure(agent, CALLS);
                long[] hop = measure(remote, CALLS);
                System.out.printf(Locale.ROOT, "round %d: direct p50 %7.1f us p99 %7.1f us | over the socket p50"
                        + " %7.1f us p99 %7.1f us | the hop adds p50 %7.1f us, p99 %7.1f us%n", round,
                        micros(direct, 50), micros(direct, 99), micros(hop, 50), micros(hop, 99),
                        micros(hop, 50) - micros(direct, 50), micros(hop, 99) - micros(direct, 99));
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    /** Each call's duration in nanoseconds, sorted. */
    private static long[] measure(HostAgent agent, int calls) {
        long[] took = new long[calls];
        for (int i = 0; i < calls; i++) {
            long began = System.nanoTime();
            if (agent.facts().cores() < 0) {
                throw new IllegalStateException("no facts");
            }
            took[i] = System.nanoTime() - began;
        }
        Arrays.sort(took);
        return took;
    }

    private static double micros(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000.0;
    }
}
