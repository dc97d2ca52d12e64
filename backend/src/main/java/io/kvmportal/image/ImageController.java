package io.kvmportal.image;

import io.kvmportal.api.Actor;
import io.kvmportal.api.CurrentUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpRequestWrapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

@Controller("/api/v1")
class ImageController {
    private final ImageCatalog catalog;

    ImageController(ImageCatalog catalog) {
        this.catalog = catalog;
    }

    /** An image file on the server to publish a copy of, with what the admin says about it. */
    @Serdeable
    record ImageFromServer(String path, String name, @Nullable String description, String os, String format,
                           int minMemoryMib, int minDiskGib) {
        NewImage image() {
            return new NewImage(name, description, os, format, minMemoryMib, minDiskGib);
        }
    }

    /**
     * The request's own body, opened at the first read (a request refused before that never touches it). Not a
     * {@code @Body} InputStream or Readable: micronaut-servlet splits those off the request's body, and the unread
     * original then keeps a copy of every byte (measured: a 2 GiB upload ran a 96 MiB heap out of memory).
     */
    private static final class LazyStream extends InputStream {
        private final HttpRequest<?> request;
        private InputStream in;

        LazyStream(HttpRequest<?> request) {
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            return open().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return open().read(buffer, offset, length);
        }

        private InputStream open() {
            if (in == null) {
                HttpRequest<?> unwrapped = request;
                while (unwrapped instanceof HttpRequestWrapper<?> wrapper) {
                    unwrapped = wrapper.getDelegate();
                }
                if (!(unwrapped instanceof ServerHttpRequest<?> server)) {
                    throw new IllegalStateException("no server request to read the upload from: " + request.getClass());
                }
                in = server.byteBody().toInputStream();
            }
            return in;
        }
    }

    /** Published images; admins also see withdrawn ones. */
    @Get("/images")
    List<Image> list(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor) {
        return catalog.list(actor);
    }

    /**
     * Publishes a copy of a regular file inside one of the server's import directories ({@code
     * portal.images.import-dirs}, by default {@code <data-dir>/import}); kvm-host inspects the copy.
     */
    @Post("/admin/images")
    @Status(HttpStatus.CREATED)
    Image publishFromServer(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @Body ImageFromServer request) {
        return catalog.publishFromServer(actor, request.image(), request.path());
    }

    /**
     * Publishes the request body as an image, streamed to the host's incoming area (never held in memory) and
     * inspected there, e.g. with {@code curl -T disk.qcow2 -H 'Content-Type: application/octet-stream'
     * '<portal>/api/v1/admin/images/upload?name=Debian%2012&os=Debian%2012&format=qcow2&minMemoryMib=512&minDiskGib=4'}.
     * The metadata is checked before the body is read; a body over {@code portal.images.max-file-size} answers 413.
     */
    @Put(uri = "/admin/images/upload", consumes = MediaType.APPLICATION_OCTET_STREAM)
    @Status(HttpStatus.CREATED)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
            schema = @Schema(type = "string", format = "binary")))
    Image upload(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @QueryValue String name,
                 @QueryValue @Nullable String description, @QueryValue String os, @QueryValue String format,
                 @QueryValue int minMemoryMib, @QueryValue int minDiskGib,
                 @Header("Content-Length") @Nullable Long length, HttpRequest<?> http) {
        NewImage request = new NewImage(name, description, os, format, minMemoryMib, minDiskGib);
        return catalog.publishUpload(actor, request, new LazyStream(http), length == null ? -1 : length);
    }

    /** Withdraws an image: no new guests from it; existing guests keep working. */
    @Delete("/admin/images/{id}")
    HttpResponse<?> withdraw(@RequestAttribute(CurrentUser.ATTRIBUTE) Actor actor, @PathVariable long id) {
        catalog.withdraw(actor, id);
        return HttpResponse.noContent();
    }
}
