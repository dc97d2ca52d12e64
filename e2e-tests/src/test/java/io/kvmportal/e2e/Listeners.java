package io.kvmportal.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which process listens on a TCP port or a unix socket, as {@code ss} sees it (as root it names every process).
 * The journeys start the portal and the agent through run.sh, so neither is the test's child.
 */
final class Listeners {
    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    private Listeners() {
    }

    /** The pid listening on TCP {@code port} (any address). */
    static long onTcpPort(int port) {
        return onePid(List.of("ss", "-Hltnp", "sport = :" + port), "TCP port " + port);
    }

    /** The pid listening on the unix socket at {@code socket}. */
    static long onUnixSocket(Path socket) {
        return onePid(List.of("ss", "-Hxlp", "src", socket.toString()), socket.toString());
    }

    private static long onePid(List<String> command, String what) {
        String output = run(command);
        Matcher pid = PID.matcher(output);
        if (!pid.find()) {
            throw new IllegalStateException("no process listens on " + what + " (" + command + ": " + output + ")");
        }
        long found = Long.parseLong(pid.group(1));
        while (pid.find()) {
            if (Long.parseLong(pid.group(1)) != found) {
                throw new IllegalStateException("more than one process listens on " + what + ": " + output);
            }
        }
        return found;
    }

    private static String run(List<String> command) {
        try {
            Process ss = new ProcessBuilder(command).redirectErrorStream(true).start();
            ss.getOutputStream().close();
            String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
