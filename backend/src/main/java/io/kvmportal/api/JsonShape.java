package io.kvmportal.api;

import io.kvmportal.text.VisibleText;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanIntrospector;
import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a parsed JSON body has the shape of the type it is bound to, strictly: a whole number for an integer
 * (within its range), a string for a string, true or false for a boolean, one of the constants for an enum, and
 * for a record exactly its components, each present and non-null unless it is {@code @Nullable}. Records are
 * read through their bean introspection (every {@code @Serdeable} type has one); other types are left to serde.
 */
final class JsonShape {
    private static final Map<Class<?>, long[]> WHOLE = Map.of(
            int.class, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            Integer.class, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            long.class, new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
            Long.class, new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
            short.class, new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            Short.class, new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            byte.class, new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE},
            Byte.class, new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE});
    private static final int MAX_PROBLEMS = 10;

    private final List<String> problems = new ArrayList<>();

    private JsonShape() {
    }

    /** Throws a {@link BadRequest} naming every field (up to ten) that does not fit {@code type}. */
    static void check(JsonNode tree, Argument<?> type) {
        JsonShape shape = new JsonShape();
        shape.value("", tree, type);
        if (!shape.problems.isEmpty()) {
            throw new BadRequest(String.join("; ", shape.problems) + ".");
        }
    }

    static String firstLine(String message) {
        String text = message == null ? "" : message;
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** What a value of this type must be, in words: "a whole number", "one of USER, ADMIN", ... */
    static String expected(Class<?> type) {
        if (WHOLE.containsKey(type)) {
            return "a whole number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type == String.class) {
            return "a string";
        } else if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        } else if (type.isEnum()) {
            return "one of " + String.join(", ", constants(type));
        } else if (Temporal.class.isAssignableFrom(type)) {
            return "a time such as 2026-01-31T12:00:00Z";
        }
        return "a valid value";
    }

    private void value(String path, JsonNode node, Argument<?> type) {
        Class<?> raw = type.getType();
        if (node.isNull()) {
            problem(path, "a value is required, got null");
        } else if (WHOLE.containsKey(raw)) {
            whole(path, node, WHOLE.get(raw));
        } else if (raw == boolean.class || raw == Boolean.class) {
            expect(path, node, node.isBoolean(), expected(raw));
        } else if (raw == String.class) {
            expect(path, node, node.isString(), expected(raw));
        } else if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
            expect(path, node, node.isNumber(), expected(raw));
        } else if (raw.isEnum()) {
            constant(path, node, raw);
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            elements(path, node, raw.isArray() ? Argument.of(raw.getComponentType())
                    : type.getFirstTypeVariable().orElse(Argument.OBJECT_ARGUMENT));
        } else if (Map.class.isAssignableFrom(raw)) {
            entries(path, node, type.getTypeVariable("V").orElse(Argument.OBJECT_ARGUMENT));
        } else {
            Optional<? extends BeanIntrospection<?>> bean = BeanIntrospector.SHARED.findIntrospection(raw);
            if (bean.isPresent() && bean.get().getConstructorArguments().length > 0) {
                object(path, node, bean.get().getConstructorArguments());
            }
        }
    }

    private void whole(String path, JsonNode node, long[] range) {
        if (!expect(path, node, node.isNumber() && isWhole(node.getNumberValue()), "a whole number")) {
            return;
        }
        BigInteger number = node.getBigIntegerValue();
        if (number.compareTo(BigInteger.valueOf(range[0])) < 0 || number.compareTo(BigInteger.valueOf(range[1])) > 0) {
            problem(path, number + " is out of range (" + range[0] + ".." + range[1] + ")");
        }
    }

    private static boolean isWhole(Number number) {
        return number instanceof Integer || number instanceof Long || number instanceof BigInteger
                || number instanceof Short || number instanceof Byte;
    }

    private void constant(String path, JsonNode node, Class<?> type) {
        if (expect(path, node, node.isString(), expected(type)) && !constants(type).contains(node.getStringValue())) {
            problem(path, "expected " + expected(type) + ", got " + shown(node));
        }
    }

    private static List<String> constants(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(constant -> ((Enum<?>) constant).name()).toList();
    }

    private void elements(String path, JsonNode node, Argument<?> element) {
        if (expect(path, node, node.isArray(), "an array")) {
            int index = 0;
            for (JsonNode item : node.values()) {
                value(path + "[" + index++ + "]", item, element);
            }
        }
    }

    private void entries(String path, JsonNode node, Argument<?> valueType) {
        if (expect(path, node, node.isObject(), "an object")) {
            for (Map.Entry<String, JsonNode> entry : node.entries()) {
                value(child(path, entry.getKey()), entry.getValue(), valueType);
            }
        }
    }

    private void object(String path, JsonNode node, Argument<?>[] components) {
        if (!expect(path, node, node.isObject(), "an object")) {
            return;
        }
        Map<String, Argument<?>> known = new LinkedHashMap<>();
        for (Argument<?> component : components) {
            known.put(component.getName(), component);
        }
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!known.containsKey(entry.getKey())) {
                problem(child(path, entry.getKey()), "unknown property (known: " + String.join(", ", known.keySet())
                        + ")");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Argument<?> component : components) {
            JsonNode item = node.get(component.getName());
            boolean optional = component.isNullable() && !component.getType().isPrimitive();
            if (item == null && !optional) {
                missing.add(child(path, component.getName()));
            } else if (item != null && !(item.isNull() && optional)) {
                value(child(path, component.getName()), item, component);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("required but missing: " + String.join(", ", missing));
        }
    }

    /** Records a problem unless {@code fits}; answers {@code fits}. */
    private boolean expect(String path, JsonNode node, boolean fits, String expected) {
        if (!fits) {
            problem(path, "expected " + expected + ", got " + shown(node));
        }
        return fits;
    }

    private void problem(String path, String what) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add((path.isEmpty() ? "the body" : path) + ": " + what);
        }
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The value as the caller wrote it, for strings and numbers; the kind of value otherwise. */
    private static String shown(JsonNode node) {
        if (node.isNull()) {
            return "null";
        } else if (node.isArray()) {
            return "an array";
        } else if (node.isObject()) {
            return "an object";
        } else if (node.isString()) {
            return "the string \"" + VisibleText.printable(node.getStringValue()) + "\"";
        } else if (node.isNumber()) {
            Number number = node.getNumberValue();
            return String.valueOf(number);
        }
        return String.valueOf(node.getValue());
    }
}
