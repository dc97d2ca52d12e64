package io.kvmportal.web;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;

/** {@code portal.web.*}: what the web shell accepts from a client before any code of the portal sees it. */
@ConfigurationProperties("portal.web")
public class WebConfiguration {
    private long maxBody = 64L << 10;

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
}
