package io.kvmportal.host.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.host.testing.TestAccount;
import io.kvmportal.host.testing.TestNames;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The portal connects as root to sockets in directories a guest's account controls: only a socket of that
 * account, served by that account, is accepted. Served here by this (root) test process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestSocketsTest {
    private Path dir;
    private TestAccount account;
    private ServerSocketChannel server;
    private Path socket;

    @BeforeAll
    void serveASocketAsRoot() throws Exception {
        dir = TestNames.tempDirectory();
        account = TestAccount.create();
        socket = dir.resolve("vnc.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            server.close();
            account.close();
        } finally {
            TestNames.deleteTree(dir);
        }
    }

    @Test
    void aSocketOfTheAccountServedByItConnects() throws Exception {
        try (SocketChannel client = GuestSockets.connect(socket, "root");
             SocketChannel served = server.accept()) {
            served.write(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer greeting = ByteBuffer.allocate(12);
            while (greeting.hasRemaining() && client.read(greeting) >= 0) {
                // read the whole greeting
            }
            assertEquals("RFB 003.008\n", new String(greeting.array(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aSocketOfAnotherAccountIsRefused() {
        GuestCommandException refused = assertThrows(GuestCommandException.class,
                () -> GuestSockets.connect(socket, account.name()));
        assertTrue(refused.getMessage().contains("not a socket of " + account.name()), refused.getMessage());
    }

    /** The file says the account, the process behind it is root's: a socket the account cannot have made. */
    @Test
    void aSocketServedByAnotherAccountIsRefused() throws Exception {
        Path planted = dir.resolve("planted.sock");
        try (ServerSocketChannel root = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(planted))) {
            UserPrincipal owner = planted.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(account.name());
            Files.setOwner(planted, owner);
            GuestCommandException refused = assertThrows(GuestCommandException.class,
                    () -> GuestSockets.connect(planted, account.name()));
            assertTrue(refused.getMessage().contains("served by root"), refused.getMessage());
        }
    }

    @Test
    void aLinkToASocketIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), socket);
        GuestCommandException refused = assertThrows(GuestCommandException.class,
                () -> GuestSockets.connect(link, "root"));
        assertTrue(refused.getMessage().contains("not a socket of root"), refused.getMessage());
    }

    @Test
    void aRegularFileOrNothingIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file.sock"), "not a socket");
        assertThrows(GuestCommandException.class, () -> GuestSockets.connect(file, "root"));
        GuestCommandException missing = assertThrows(GuestCommandException.class,
                () -> GuestSockets.connect(dir.resolve("missing.sock"), "root"));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
