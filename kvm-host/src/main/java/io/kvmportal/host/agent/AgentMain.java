package io.kvmportal.host.agent;

import io.kvmportal.agent.AgentIdentity;
import io.kvmportal.agent.HostFacts;
import io.kvmportal.agent.grpc.AgentServer;
import io.kvmportal.host.exec.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host agent's {@code main}: checks it runs as root, finds the portal's account, prepares the socket's directory,
 * serves a {@link LocalAgent} on the socket to that account only, and on SIGTERM stops serving and watching. Guests
 * keep running: the next agent re-attaches them when the portal asks.
 */
public final class AgentMain {
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private AgentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help")) {
            System.out.print(AgentOptions.USAGE);
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kvm-host agent: " + e.getMessage() + "\n\n" + AgentOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!runsAsRoot()) {
            System.err.println("kvm-host agent: refusing to run: it must run as root, as it creates the guests' Linux"
                    + " accounts, grants them /dev/kvm, owns their disks, cgroups and QEMU processes. Start it as root,"
                    + " e.g. sudo java -jar kvm-host-agent.jar " + String.join(" ", args) + " (run.sh and the"
                    + " kvm-host-agent systemd unit do), and the portal as " + options.portalUser() + ".");
            System.exit(1);
            return;
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/kvmportal/host/agent/agent-logback.xml");
        }
        serve(options);
    }

    private static void serve(AgentOptions options) throws InterruptedException {
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        int portalUid = idOf(options.portalUser(), "-u");
        int portalGid = idOf(options.portalUser(), "-g");
        prepareDataDir(options.dataDir());
        directory(options.socket().getParent(), 0, 0, "rwxr-xr-x");
        directory(options.screenSocket().getParent(), portalUid, portalGid, "rwx------");
        LocalAgent agent = new LocalAgent(options.hostConfig(), options.screenSocket(), portalUid);
        AgentServer server;
        try {
            server = AgentServer.start(agent, options.socket(), Set.of(portalUid), portalGid);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: no more calls; the guests keep running for the next agent to re-attach");
            server.close();
            agent.close();
            stopped.countDown();
        }, "agent-stop"));
        AgentIdentity identity = agent.identify();
        HostFacts facts = agent.facts();
        log.info("kvm-host agent {} (pid {}) speaks protocol {} on {} to {} (uid {}); guests run under {}: {}",
                identity.version(), identity.pid(), identity.protocol(), options.socket(), options.portalUser(),
                portalUid, facts.accelerator(), facts.acceleratorReason());
        stopped.await();
    }

    /** The effective uid, as the owner of this process's /proc entry. */
    static boolean runsAsRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The account's uid ({@code -u}) or group ({@code -g}) through NSS, as {@code id} answers. */
    static int idOf(String account, String which) {
        String answer = Command.runChecked(List.of("id", which, "--", account), LOOKUP_TIMEOUT).strip();
        try {
            return Integer.parseInt(answer);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("id " + which + " " + account + " answered \"" + answer + "\"");
        }
    }

    /** The data directory, root's 0711: guests' accounts pass through it to their disks, never list it. */
    private static void prepareDataDir(Path dataDir) {
        directory(dataDir, 0, 0, "rwx--x--x");
    }

    /** Makes {@code dir} if it is missing, owned by {@code uid}:{@code gid} with {@code mode}; leaves one there. */
    private static void directory(Path dir, int uid, int gid, String mode) {
        try {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.createDirectories(dir);
            Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
    }
}
