package io.kvmportal.web;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;
import java.util.List;

/**
 * {@code portal.web.*}: what the web shell accepts from a client before any code of the portal sees it, and the
 * reverse proxies whose forwarding headers it believes.
 */
@ConfigurationProperties("portal.web")
public class WebConfiguration {
    private long maxBody = 64L << 10;
    private List<String> trustedProxies = List.of();

    /**
     * Bytes a request body may have, on every route but the admins' image uploads (which have {@code
     * portal.images.max-file-size}): JSON calls, the sign-in form and Vaadin's own requests are all far smaller.
     */
    public long getMaxBody() {
        return maxBody;
    }

    public void setMaxBody(@ReadableBytes long maxBody) {
        this.maxBody = maxBody;
    }

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
