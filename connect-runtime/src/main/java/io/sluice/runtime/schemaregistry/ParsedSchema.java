package io.sluice.runtime.schemaregistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * An Avro schema parsed for the registry, with the named types its references define: its canonical text (Avro's
 * JSON without whitespace, referenced types by name only, as Confluent stores it) and its normalized text.
 */
public record ParsedSchema(Schema schema, Collection<Schema> referencedTypes) {

    /**
     * Parses schema text after the texts of its references (in dependency order, each parsed once), or fails
     * with 42201 and Avro's reason.
     */
    public static ParsedSchema parse(String text, List<String> referenceTexts) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        Schema.Parser parser = new Schema.Parser();
        try {
            for (String reference : referenceTexts) {
                parser.parse(reference);
            }
            Map<String, Schema> referenced = new LinkedHashMap<>(parser.getTypes());
            Schema schema = parser.parse(text);
            return new ParsedSchema(schema, List.copyOf(referenced.values()));
        } catch (RuntimeException e) {
            throw RegistryException.invalidSchema("Invalid schema " + abbreviate(text) + ", details: " + reason(text, e));
        }
    }

    /** The text Confluent stores: Avro's compact JSON, types that references define written by name. */
    public String canonical() {
        return schema.toString(referencedTypes, false);
    }

    /**
     * The normalized text (?normalize=true): full names instead of namespaces, attributes in one fixed order and
     * custom properties sorted, so that schemas differing only in how they are written compare equal.
     */
    public String normalized() {
        Map<String, Boolean> defined = new LinkedHashMap<>();
        referencedTypes.forEach(t -> defined.put(t.getFullName(), true));
        StringBuilder out = new StringBuilder();
        write(schema, defined, out);
        return out.toString();
    }

    private static void write(Schema s, Map<String, Boolean> defined, StringBuilder o) {
        switch (s.getType()) {
            case UNION -> {
                o.append('[');
                List<Schema> types = s.getTypes();
                for (int i = 0; i < types.size(); i++) {
                    if (i > 0) {
                        o.append(',');
                    }
                    write(types.get(i), defined, o);
                }
                o.append(']');
            }
            case RECORD, ENUM, FIXED -> {
                if (defined.containsKey(s.getFullName())) {
                    quote(s.getFullName(), o);
                    return;
                }
                defined.put(s.getFullName(), true);
                o.append("{\"type\":");
                quote(s.getType().getName(), o);
                o.append(",\"name\":");
                quote(s.getFullName(), o);
                if (s.getDoc() != null) {
                    o.append(",\"doc\":");
                    quote(s.getDoc(), o);
                }
                aliases(new ArrayList<>(s.getAliases()), o);
                switch (s.getType()) {
                    case ENUM -> {
                        o.append(",\"symbols\":").append(json(s.getEnumSymbols()));
                        if (s.getEnumDefault() != null) {
                            o.append(",\"default\":");
                            quote(s.getEnumDefault(), o);
                        }
                    }
                    case FIXED -> o.append(",\"size\":").append(s.getFixedSize());
                    default -> {
                        o.append(",\"fields\":[");
                        boolean first = true;
                        for (Schema.Field f : s.getFields()) {
                            o.append(first ? "" : ",").append("{\"name\":");
                            first = false;
                            quote(f.name(), o);
                            if (f.doc() != null) {
                                o.append(",\"doc\":");
                                quote(f.doc(), o);
                            }
                            o.append(",\"type\":");
                            write(f.schema(), defined, o);
                            if (f.hasDefaultValue()) {
                                Object d = f.defaultVal();
                                o.append(",\"default\":").append(d == JsonProperties.NULL_VALUE ? "null" : json(d));
                            }
                            if (f.order() != Schema.Field.Order.ASCENDING) {
                                o.append(",\"order\":");
                                quote(f.order().name().toLowerCase(java.util.Locale.ROOT), o);
                            }
                            aliases(new ArrayList<>(f.aliases()), o);
                            props(f.getObjectProps(), o);
                            o.append('}');
                        }
                        o.append(']');
                    }
                }
                props(s.getObjectProps(), o);
                o.append('}');
            }
            case ARRAY, MAP -> {
                o.append("{\"type\":");
                quote(s.getType().getName(), o);
                o.append(s.getType() == Schema.Type.ARRAY ? ",\"items\":" : ",\"values\":");
                write(s.getType() == Schema.Type.ARRAY ? s.getElementType() : s.getValueType(), defined, o);
                props(s.getObjectProps(), o);
                o.append('}');
            }
            default -> {
                if (s.getObjectProps().isEmpty()) {
                    quote(s.getType().getName(), o);
                } else {
                    o.append("{\"type\":");
                    quote(s.getType().getName(), o);
                        props(s.getObjectProps(), o);
                    o.append('}');
                }
            }
        }
    }

    private static void aliases(List<String> aliases, StringBuilder o) {
        if (!aliases.isEmpty()) {
            aliases.sort(null);
            o.append(",\"aliases\":").append(json(aliases));
        }
    }

    private static void props(Map<String, Object> props, StringBuilder o) {
        new TreeMap<>(props).forEach((k, v) -> {
            o.append(',');
            quote(k, o);
            o.append(':').append(json(v));
        });
    }

    private static void quote(String text, StringBuilder o) {
        o.append(json(text));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Avro's reason, without the Java class names of the JSON parser's exceptions it wraps. */
    private static String reason(String text, Throwable e) {
        if (e.getMessage() != null && e.getMessage().contains("UnresolvedSchema")) {
            // Avro 1.12 names a bare undefined top-level name by its internal placeholder class (tryout17 saw
            // "Unknown schema: org.apache.avro.compiler.UnresolvedSchema_0"); say it as Avro says it for a field
            String name = text.strip();
            return "Undefined schema: " + (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
                    ? abbreviate(name.substring(1, name.length() - 1)) : "a type it names");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                return "not valid JSON: " + json.getOriginalMessage();
            }
        }
        String message = e.getMessage() == null ? "not a valid Avro schema" : e.getMessage();
        return message.replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ", "");
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
