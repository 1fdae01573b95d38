package io.sluice.runtime.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.Collection;
import java.util.Map;

/**
 * Says what is wrong with a request body in JSON's terms (where, what was expected, what came) rather than
 * Jackson's, which name the Java types it binds to (`java.util.LinkedHashMap<java.lang.String,...>`).
 */
public final class JsonBodyErrors {
    private JsonBodyErrors() {
    }

    /** "Malformed JSON request body: " and what is wrong, in JSON's terms. */
    public static String describe(JsonProcessingException e) {
        String expected = expected(e);
        if (e instanceof JsonMappingException mapping && expected != null) {
            String got = kind(e.getProcessor() instanceof JsonParser parser ? parser.currentToken() : null);
            return "Malformed JSON request body: expected " + expected + (got == null ? "" : ", got " + got)
                    + " at " + path(mapping);
        }
        String message = e.getOriginalMessage() == null ? "not valid JSON" : e.getOriginalMessage();
        // Jackson adds its own token names, e.g. "(token `JsonToken.START_ARRAY`)", and the method holding a limit,
        // e.g. "(1000, from `StreamReadConstraints.getMaxNestingDepth()`)" (tryout18, 100,000 '[')
        return "Malformed JSON request body: " + message.replaceAll("\\s*\\(token `[^`]*`\\)", "")
                .replaceAll(",\\s*from `[^`]*`", "")
                .replaceAll("`[a-zA-Z_$][\\w$]*(\\.[\\w$<>,]+)+`", "a value of another type");
    }

    /** $.config.tasks.max, $[2] */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What the body should have held there, from the type Jackson was binding to. */
    private static String expected(JsonProcessingException e) {
        Class<?> target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
                ? mismatch.getTargetType() : null;
        if (target == null) {
            return null;
        }
        if (Map.class.isAssignableFrom(target)) {
            return "an object of names and string values";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray() && target != byte[].class) {
            return "an array";
        }
        if (target == String.class || target == byte[].class || target.isEnum()) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(target) || target.isPrimitive() && target != boolean.class) {
            return "a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    private static String kind(JsonToken token) {
        if (token == null) {
            return null;
        }
        return switch (token) {
            case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "a value of another kind";
        };
    }
}
