package io.sluice.runtime.rest;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.function.Function;

/**
 * Parses every number-typed path and query parameter, so a value that is not a number is a 400 naming the
 * parameter and what it takes: Jersey's own parsing answers "404 Not Found" for it, as if the resource did not
 * exist. Booleans keep Jersey's (and Apache's) parsing, where anything but "true" is false, a 2xx. The REST API
 * and the schema registry both register it.
 */
public final class NumberParams implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = name(annotations);
        if (name == null) {
            return null;
        }
        if (rawType == int.class || rawType == Integer.class) {
            return (ParamConverter<T>) new Converter<>(name, "a whole number from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE, Integer::valueOf, rawType.isPrimitive() ? 0 : null);
        }
        if (rawType == long.class || rawType == Long.class) {
            return (ParamConverter<T>) new Converter<>(name, "a whole number from " + Long.MIN_VALUE + " to "
                    + Long.MAX_VALUE, Long::valueOf, rawType.isPrimitive() ? 0L : null);
        }
        return null;
    }

    /** "Query parameter count" or "Path parameter partition", or null for a parameter of another kind. */
    private static String name(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return "Query parameter " + query.value();
            }
            if (annotation instanceof PathParam path) {
                return "Path parameter " + path.value();
            }
        }
        return null;
    }

    /** absent: what a parameter neither given nor defaulted is (Jersey asks with null), 0 for a primitive as Jersey's. */
    private record Converter<T>(String name, String takes, Function<String, T> parse, T absent)
            implements ParamConverter<T> {
        @Override
        public T fromString(String value) {
            if (value == null) {
                return absent;
            }
            try {
                return parse.apply(value.trim());
            } catch (NumberFormatException e) {
                // a WebApplicationException: Jersey turns any other failure here into a 404 or the default value
                throw new BadRequestException(name + " must be " + takes + ", not '" + value + "'");
            }
        }

        @Override
        public String toString(T value) {
            return String.valueOf(value);
        }
    }
}
