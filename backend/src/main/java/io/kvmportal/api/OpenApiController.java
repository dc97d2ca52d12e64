package io.kvmportal.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI document that the build generates from the controllers; needs no credentials. */
@OpenAPIDefinition(info = @Info(title = "kvm-portal", version = "v1",
        description = "Self-service KVM guests: accounts, quotas, images, guests, audit."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@Controller("/api/v1/openapi.yml")
class OpenApiController {
    static final String DOCUMENT = "META-INF/swagger/kvm-portal-v1.yml";

    @Get
    @Produces("application/yaml")
    HttpResponse<String> document() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                return HttpResponse.notFound();
            }
            return HttpResponse.ok(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
