package io.kvmportal.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The portal's Content-Security-Policy: what its pages may load and run, so that script smuggled into a page (a
 * guest's name, an image's description) does not run, and the page talks to nothing but the portal.
 * <ul>
 *   <li>Scripts come from the portal, or are the inline scripts of Vaadin's bootstrap page, which carry this
 *       request's nonce ({@link ScriptNonces}); injected {@code <script>} elements and {@code on...=} attributes
 *       do not run.</li>
 *   <li>{@code 'unsafe-eval'}: Vaadin Flow runs every {@code executeJs} and {@code callJsFunction} on the client by
 *       {@code new Function(...)} (the console's noVNC is loaded that way); without it the guest page's console and
 *       serial view stay blank and Chromium reports the blocked eval.</li>
 *   <li>{@code style-src 'unsafe-inline'}: Vaadin's components and Lumo add {@code <style>} elements and
 *       {@code style} attributes at run time, which no nonce can reach; styles cannot run script.</li>
 *   <li>{@code img-src data: blob:}: icons and noVNC's cursor are data URLs; {@code connect-src 'self'} covers the
 *       same-origin WebSockets (console, Vaadin's push).</li>
 * </ul>
 */
final class ContentSecurityPolicy {
    /** The request attribute that holds this request's nonce, for the bootstrap page's scripts. */
    static final String NONCE_ATTRIBUTE = "io.kvmportal.cspNonce";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContentSecurityPolicy() {
    }

    /** 128 random bits, a new value for every page, as a nonce must be unguessable. */
    static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String header(String nonce) {
        return "default-src 'self'; "
                + "script-src 'self' 'nonce-" + nonce + "' 'unsafe-eval'; "
                + "style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; "
                + "font-src 'self' data:; "
                + "connect-src 'self'; "
                + "object-src 'none'; "
                + "base-uri 'self'; "
                + "form-action 'self'; "
                + "frame-ancestors 'none'";
    }
}
