package io.kvmportal.api;

/**
 * Where the web shell leaves the address of the client of an API request ({@code getRemoteAddr()}, after the
 * shell's trusted proxies), as plain text: sign-in throttles per address as well as per login name.
 */
public final class ClientAddress {
    public static final String ATTRIBUTE = "io.kvmportal.client-address";

    private ClientAddress() {
    }
}
