package io.kvmportal.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** The one place where an expected refusal of any feature becomes an HTTP answer. */
@Singleton
final class PortalExceptionHandler implements ExceptionHandler<PortalException, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    PortalExceptionHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, PortalException refusal) {
        ErrorContext context = ErrorContext.builder(request)
                .cause(refusal)
                .errorMessage(refusal.getMessage())
                .build();
        MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.valueOf(refusal.fault().httpStatus()));
        refusal.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, wait.toSeconds()))));
        return errors.processResponse(context, response);
    }
}
