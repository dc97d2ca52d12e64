package io.kvmportal.web;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.List;

/** {@code portal.web.*}: the reverse proxies whose forwarding headers the portal believes. */
@ConfigurationProperties("portal.web")
public class WebConfiguration {
    private List<String> trustedProxies = List.of();

    /**
     * Addresses or CIDR ranges ({@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}) of the proxies in front of the
     * portal. Only a request from one of these has its {@code X-Forwarded-For} and {@code X-Forwarded-Proto} read;
     * none by default, so that nobody can claim another address or HTTPS by sending a header.
     */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }
}
