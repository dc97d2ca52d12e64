package io.kvmportal.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body read into a tree by jackson-core itself, because serde's own reading is lenient where a request
 * must not be: it stops after the first value (so {@code {"a":1} junk} passed), keeps the last of two equal keys,
 * and turns a large fraction into a double. Here anything after the value, a repeated key or text that is not JSON
 * is a {@link BadRequest} saying what and where; fractions stay exact.
 */
final class JsonTree {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonTree() {
    }

    static JsonNode read(InputStream body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() == null) {
                throw new BadRequest("The request body is empty; it must be JSON.");
            }
            JsonNode tree = value(parser);
            if (parser.nextToken() != null) {
                throw new BadRequest("The request body is not valid JSON: more follows its value" + at(parser
                        .currentLocation()) + ".");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new BadRequest("The request body is not valid JSON: " + words(e) + at(e.getLocation()) + ".");
        } catch (IOException e) {
            throw new BadRequest("The request body could not be read: " + e.getMessage());
        }
    }

    private static JsonNode value(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> array(parser);
            case VALUE_STRING -> JsonNode.createStringNode(parser.getText());
            case VALUE_NUMBER_INT -> JsonNode.createNumberNodeImpl(parser.getNumberValue());
            case VALUE_NUMBER_FLOAT -> JsonNode.createNumberNode(parser.getDecimalValue());
            case VALUE_TRUE -> JsonNode.createBooleanNode(true);
            case VALUE_FALSE -> JsonNode.createBooleanNode(false);
            case VALUE_NULL -> JsonNode.nullNode();
            default -> throw new BadRequest("The request body is not valid JSON: unexpected " + parser.currentToken()
                    + at(parser.currentLocation()) + ".");
        };
    }

    private static JsonNode object(JsonParser parser) throws IOException {
        Map<String, JsonNode> members = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            members.put(name, value(parser));
        }
        return JsonNode.createObjectNode(members);
    }

    private static JsonNode array(JsonParser parser) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(parser));
        }
        return JsonNode.createArrayNode(items);
    }

    /** The parser's own words without its internals (source descriptions, hints at features to enable). */
    private static String words(JsonProcessingException e) {
        String words = JsonShape.firstLine(e.getOriginalMessage());
        for (String internals : List.of(" (start marker", ": enable ", "\n")) {
            int cut = words.indexOf(internals);
            words = cut < 0 ? words : words.substring(0, cut);
        }
        return words;
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
