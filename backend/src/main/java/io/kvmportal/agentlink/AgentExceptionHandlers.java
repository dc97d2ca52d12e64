package io.kvmportal.agentlink;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.HostUnreachableException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * The agent's failures that reach the API without a feature's own words (the admin's host overview, say) get the one
 * error shape with the agent's words: 503 while it is unreachable, the refusal's status otherwise.
 */
final class AgentExceptionHandlers {

    private AgentExceptionHandlers() {
    }

    static HttpResponse<?> answer(ErrorResponseProcessor<?> errors, HttpRequest<?> request, Throwable cause,
                                  int status, String message) {
        ErrorContext context = ErrorContext.builder(request).cause(cause).errorMessage(message).build();
        return errors.processResponse(context, HttpResponse.status(HttpStatus.valueOf(status)));
    }

    @Singleton
    static final class Unreachable implements ExceptionHandler<HostUnreachableException, HttpResponse<?>> {
        private final ErrorResponseProcessor<?> errors;
        private final AgentLink link;

        Unreachable(ErrorResponseProcessor<?> errors, AgentLink link) {
            this.errors = errors;
            this.link = link;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, HostUnreachableException e) {
            link.lost();
            return answer(errors, request, e, 503, AgentFaults.UNREACHABLE + e.getMessage());
        }
    }

    @Singleton
    static final class Refused implements ExceptionHandler<HostRefusedException, HttpResponse<?>> {
        private final ErrorResponseProcessor<?> errors;

        Refused(ErrorResponseProcessor<?> errors) {
            this.errors = errors;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, HostRefusedException e) {
            return answer(errors, request, e, AgentFaults.fault(e).httpStatus(), "The host refused: " + e.getMessage());
        }
    }
}
