package io.kvmportal.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
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
        return errors.processResponse(context, HttpResponse.status(HttpStatus.valueOf(refusal.fault().httpStatus())));
    }
}
