package io.kvmportal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestDatabase;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The portal behind a reverse proxy on 127.0.0.1 (configured as trusted): a sign-in the proxy received over HTTPS
 * gets a Secure session cookie, through the real web shell; the same request sent over plain HTTP does not.
 */
@MicronautTest(transactional = false)
class TrustedProxyH2Test extends DatabaseTest {
    private static final String PASSWORD = "admin-password-1";
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    @Inject
    EmbeddedServer server;

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", PASSWORD);
        properties.put("portal.web.trusted-proxies", "127.0.0.1");
        return properties;
    }

    @Test
    void aSignInForwardedOverHttpsGetsASecureCookie() throws Exception {
        String cookie = sessionCookie(signIn("X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"));
        assertTrue(attributes(cookie).contains("secure"), cookie);
        assertTrue(attributes(cookie).contains("httponly"), cookie);
    }

    @Test
    void aSignInOverPlainHttpGetsAPlainCookie() throws Exception {
        assertFalse(attributes(sessionCookie(signIn())).contains("secure"));
        assertFalse(attributes(sessionCookie(signIn("X-Forwarded-Proto", "http"))).contains("secure"));
    }

    private HttpResponse<String> signIn(String... headers) throws IOException, InterruptedException {
        String origin = "http://127.0.0.1:" + server.getPort();
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded",
                "Origin", origin));
        all.addAll(List.of(headers));
        HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/login"))
                .headers(all.toArray(String[]::new))
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + PASSWORD)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals("/", response.headers().firstValue("Location").orElse(""), response.headers().map().toString());
        return response;
    }

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(value -> value.startsWith(JettyServer.SESSION_COOKIE + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie: " + response.headers().map()));
    }

    private static List<String> attributes(String cookie) {
        return java.util.Arrays.stream(cookie.split(";")).skip(1).map(part -> part.strip().split("=")[0]
                .toLowerCase(Locale.ROOT)).toList();
    }
}
