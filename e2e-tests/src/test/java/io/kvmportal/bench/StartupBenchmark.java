package io.kvmportal.bench;

import io.kvmportal.e2e.PortalProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long the packaged portal takes from {@code run.sh} (the host agent, then the portal) to its first answered
 * request, against the same JVM starting and exiting ({@code java -version}) in the same run, plus the jar's size
 * and the idle RSS of the portal and of the agent, apart. Not a test; after building the jar, from e2e-tests/:
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:$(cat target/classpath.txt) io.kvmportal.bench.StartupBenchmark
 * </pre>
 */
public final class StartupBenchmark {
    private static final int RUNS = 5;

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Double> jvm = new ArrayList<>();
        List<Double> portal = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        List<Long> agentRss = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            jvm.add(bareJvmSeconds());
            long start = System.nanoTime();
            try (PortalProcess process = PortalProcess.start()) {
                portal.add((System.nanoTime() - start) / 1e9);
                Thread.sleep(10_000);
                rss.add(rssKib(process.portalPid()));
                agentRss.add(rssKib(process.agentPid()));
            }
        }
        Path jar = Path.of(System.getProperty("portal.jar", "../ui/target/kvm-portal.jar"));
        double portalMedian = median(portal);
        double jvmMedian = median(jvm);
        System.out.printf("run.sh to first answered request: median %.2f s of %d (all: %s)%n",
                portalMedian, RUNS, portal);
        System.out.printf("bare JVM start and exit (java -version): median %.2f s (all: %s)%n", jvmMedian, jvm);
        System.out.printf("ratio portal / bare JVM: %.1fx%n", portalMedian / jvmMedian);
        System.out.printf("jar size: %.1f MiB%n", Files.size(jar) / 1024.0 / 1024.0);
        System.out.printf("portal's idle RSS 10 s after start: median %d MiB (all KiB: %s)%n",
                (long) median(rss.stream().map(Long::doubleValue).toList()) / 1024, rss);
        System.out.printf("host agent's idle RSS then: median %d MiB (all KiB: %s)%n",
                (long) median(agentRss.stream().map(Long::doubleValue).toList()) / 1024, agentRss);
    }

    private static double bareJvmSeconds() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor(60, TimeUnit.SECONDS);
        return (System.nanoTime() - start) / 1e9;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("No VmRSS for pid " + pid);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
