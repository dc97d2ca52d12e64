package io.kvmportal.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

/**
 * Replaces Micronaut's HATEOAS error body, so every error Micronaut itself produces (bad JSON, unknown route,
 * wrong method, our own exceptions) comes out in the one {@link ApiError} shape.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
final class ApiErrorBodyProvider implements JsonErrorResponseBodyProvider<ApiError> {

    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        int status = response.code();
        if (status >= 500 && status != 502 && status != 503) {
            // Internals stay in the log; the caller learns only that it was not their fault. 502 is the host's
            // refusal (QEMU's own words) and 503 the portal's "busy, try again", which the caller needs to act on.
            return ApiError.of(status, "Internal error of the portal; the portal log has the details.");
        }
        String message = context.getErrors().stream()
                .map(Error::getMessage)
                .map(ApiErrorBodyProvider::firstLine)
                .findFirst()
                .orElse(ApiError.reason(status));
        return ApiError.of(status, message);
    }

    /** Parser messages go on to quote positions and parser internals on later lines. */
    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
