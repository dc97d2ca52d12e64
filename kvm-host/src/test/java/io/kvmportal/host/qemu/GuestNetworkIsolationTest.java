package io.kvmportal.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvmportal.host.testing.TestGuest;

/**
 * A hostile guest must not reach services on the host. With user-mode networking 10.0.2.2 is the
 * host's loopback; the guest tries to connect there to a listener on 127.0.0.1. A control run
 * without {@code restrict=on} shows the same attempt does arrive, so the test can tell.
 */
class GuestNetworkIsolationTest {
    private static final Duration BOOT = Duration.ofSeconds(90);

    private ServerSocket hostService;
    private final AtomicInteger connections = new AtomicInteger();
    private TestGuest guest;

    @BeforeEach
    void listenOnHostLoopback() throws IOException {
        hostService = new ServerSocket();
        hostService.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread accepter = new Thread(() -> {
            while (!hostService.isClosed()) {
                try (Socket s = hostService.accept()) {
                    connections.incrementAndGet();
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    return;
                }
            }
        }, "host-service");
        accepter.setDaemon(true);
        accepter.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        hostService.close();
        if (guest != null) {
            guest.close();
        }
    }

    @Test
    void theGuestCannotReachHostLoopbackServices() throws Exception {
        guest = TestGuest.start("net-isolated");

        int exit = connectFromGuest();

        assertEquals(0, connections.get(), "a connection from the guest reached the host's loopback");
        assertTrue(exit != 0, "nc in the guest must fail, exit " + exit);
    }

    @Test
    void controlWithoutRestrictTheSameAttemptArrives() throws Exception {
        guest = TestGuest.startWithEditedArgv("net-open", argv -> {
            int i = argv.indexOf("user,id=net0,restrict=on");
            assertTrue(i > 0, "the launcher's argv has a restricted user NIC: " + argv);
            argv.set(i, "user,id=net0");
            return argv;
        });

        int exit = connectFromGuest();

        assertEquals(0, exit, "nc in the guest connects");
        assertEquals(1, connections.get());
    }

    /** Configures slirp's default addresses by hand and runs nc against 10.0.2.2; returns nc's exit code. */
    private int connectFromGuest() throws Exception {
        guest.serial().awaitText(TestGuest.BANNER, BOOT);
        guest.serial().awaitText("guest# ", BOOT);
        for (String line : List.of(
                "ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2",
                // The echo of this line shows the $(( )) unexpanded; only the shell's output matches NC-EXIT-1nnn.
                "nc -w 5 10.0.2.2 " + hostService.getLocalPort() + " </dev/null; echo NC-EXIT-$((1000 + $?))")) {
            guest.serial().type(line);
        }
        String result = guest.serial().awaitMatch("NC-EXIT-1\\d{3}", Duration.ofSeconds(60));
        return Integer.parseInt(result.substring("NC-EXIT-".length())) - 1000;
    }
}
