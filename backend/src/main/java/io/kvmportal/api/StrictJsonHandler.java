package io.kvmportal.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.io.buffer.ByteBuffer;
import io.micronaut.core.type.Argument;
import io.micronaut.core.type.Headers;
import io.micronaut.core.type.MutableHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.body.MessageBodyHandler;
import io.micronaut.http.body.ResponseBodyWriter;
import io.micronaut.http.codec.CodecException;
import io.micronaut.json.JsonFeatures;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.body.CustomizableJsonHandler;
import io.micronaut.json.body.JsonMessageHandler;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads every JSON request body strictly. micronaut-serde's Jackson decoder coerces without a setting to stop it
 * (1.5 to 1, "3" to 3, true to 1, ["a"] to "a", a missing int to 0), so a body is first read into a tree
 * ({@link JsonTree}), the tree is checked against the type it is bound to ({@link JsonShape}), and only a tree that
 * fits is bound. A misfit is a {@link BadRequest} naming the field. Writing answers is left to Micronaut's own
 * handler, unchanged.
 */
@Singleton
@Replaces(JsonMessageHandler.class)
@JsonMessageHandler.ProducesJson
@JsonMessageHandler.ConsumesJson
final class StrictJsonHandler<T> implements MessageBodyHandler<T>, CustomizableJsonHandler, ResponseBodyWriter<T> {
    private final JsonMapper mapper;
    private final JsonMessageHandler<T> writer;

    StrictJsonHandler(JsonMapper mapper) {
        this.mapper = mapper;
        this.writer = new JsonMessageHandler<>(mapper);
    }

    @Override
    public boolean isReadable(Argument<T> type, MediaType mediaType) {
        return writer.isReadable(type, mediaType);
    }

    @Override
    public T read(Argument<T> type, MediaType mediaType, Headers headers, ByteBuffer<?> body) {
        return read(type, mediaType, headers, new ByteArrayInputStream(body.toByteArray()));
    }

    @Override
    public T read(Argument<T> type, MediaType mediaType, Headers headers, InputStream body) {
        JsonNode tree = JsonTree.read(body);
        JsonShape.check(tree, type);
        try {
            return mapper.readValueFromTree(tree, type);
        } catch (IOException e) {
            // The tree fits the type's shape, so this is a value the type itself refused (a malformed time).
            throw new BadRequest("The request body does not fit: " + JsonShape.firstLine(e.getMessage()));
        }
    }

    @Override
    public boolean isWriteable(Argument<T> type, MediaType mediaType) {
        return writer.isWriteable(type, mediaType);
    }

    @Override
    public void writeTo(Argument<T> type, MediaType mediaType, T object, MutableHeaders headers, OutputStream out)
            throws CodecException {
        writer.writeTo(type, mediaType, object, headers, out);
    }

    @Override
    public CloseableByteBody writePiece(ByteBodyFactory factory, HttpRequest<?> request, HttpResponse<?> response,
                                        Argument<T> type, MediaType mediaType, T object) throws CodecException {
        return writer.writePiece(factory, request, response, type, mediaType, object);
    }

    @Override
    public CustomizableJsonHandler customize(JsonFeatures features) {
        return new StrictJsonHandler<>(mapper.cloneWithFeatures(features));
    }
}
