package io.kvmportal.api;

import io.micronaut.serde.annotation.Serdeable;

/**
 * The one JSON shape of every 4xx and 5xx answer of {@code /api}: {@code {"status":404,"error":"Not Found",
 * "message":"..."}}. The web shell writes the same shape for the answers it gives before Micronaut runs.
 */
@Serdeable
public record ApiError(int status, String error, String message) {

    public static ApiError of(int status, String message) {
        return new ApiError(status, reason(status), message);
    }

    /** A hand-written JSON rendering, for writers outside Micronaut (servlet filters). */
    public String toJson() {
        return "{\"status\":" + status + ",\"error\":" + quote(error) + ",\"message\":" + quote(message) + "}";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
