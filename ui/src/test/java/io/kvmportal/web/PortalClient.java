package io.kvmportal.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain HTTP client for the running portal: no cookie jar and no redirects, so tests see every step. */
public final class PortalClient {
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;

    public PortalClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public String origin() {
        return base;
    }

    public HttpResponse<String> send(String method, String path, String json, String... headers) {
        return sendBody(method, path, "application/json", json, headers);
    }

    /** A request whose body, if any, is of {@code contentType}. */
    public HttpResponse<String> sendBody(String method, String path, String contentType, String body,
                                         String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        List<String> all = new ArrayList<>(List.of(headers));
        if (body != null) {
            all.addAll(List.of("Content-Type", contentType));
        }
        if (!all.isEmpty()) {
            request.headers(all.toArray(String[]::new));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /** A personal API token for these credentials, from {@code POST /api/v1/auth/token}; fails unless one is issued. */
    public String token(String login, String password) {
        HttpResponse<String> issued = send("POST", "/api/v1/auth/token", "{\"login\":\"" + login
                + "\",\"password\":\"" + password + "\"}");
        Matcher token = TOKEN.matcher(issued.body());
        if (issued.statusCode() != 201 || !token.find()) {
            throw new IllegalStateException("no token for " + login + ": " + issued.statusCode() + " " + issued.body());
        }
        return token.group(1);
    }

    /** Signs in through the sign-in form, as the browser does, and answers the session cookie. */
    public Optional<String> signIn(String login, String password) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("username=" + login + "&password=" + password))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.headers().firstValue("Location").filter("/"::equals)
                    .flatMap(location -> sessionCookie(response));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("sign-in: " + e, e);
        }
    }

    public static Optional<String> sessionCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith(JettyServer.SESSION_COOKIE + "="))
                .map(cookie -> cookie.substring(0, cookie.indexOf(';')))
                .findFirst();
    }
}
