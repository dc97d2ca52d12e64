package io.kvmportal.api;

import io.kvmportal.text.VisibleText;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * A path or query value that is not of its parameter's type ({@code /guests/abc}, {@code ?from=1.5}) answers 400
 * in the words of a body's misfit, {@code id: expected a whole number, got "abc"}, instead of Micronaut's
 * "Failed to convert argument [id] for value [abc] due to: For input string".
 */
@Singleton
@Replaces(ConversionErrorHandler.class)
final class ConversionRefusalHandler implements ExceptionHandler<ConversionErrorException, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    ConversionRefusalHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ConversionErrorException refusal) {
        Object value = refusal.getConversionError().getOriginalValue().orElse("");
        if (value instanceof Iterable<?> values && values.iterator().hasNext()) {
            value = values.iterator().next();
        }
        String message = refusal.getArgument().getName() + ": expected "
                + JsonShape.expected(refusal.getArgument().getType()) + ", got \""
                + VisibleText.printable(String.valueOf(value)) + "\".";
        ErrorContext context = ErrorContext.builder(request).cause(refusal).errorMessage(message).build();
        return errors.processResponse(context, HttpResponse.badRequest());
    }
}
