package io.sluice.file.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads one JSON object per line: as a schemaless map, as a struct of a declared schema, or as a struct
 * whose schema is inferred from the object's value types.
 */
final class JsonLineParser implements LineParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Schema declared;
    private final boolean infer;
    private final String keyField;
    private final boolean replaceInvalid;

    JsonLineParser(Schema declared, boolean infer, String keyField, boolean replaceInvalid) {
        this.replaceInvalid = replaceInvalid;
        this.declared = declared;
        this.infer = infer;
        this.keyField = keyField == null || keyField.isEmpty() ? null : keyField;
    }

    @Override
    public boolean parse(byte[] buf, int off, int len, ParsedLine out) {
        JsonNode node = read(buf, off, len, out);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got "
                    + (node == null ? "an empty line" : node.getNodeType().name().toLowerCase()));
        }
        if (declared != null || infer) {
            Schema schema = declared != null ? declared : inferStruct(node);
            Struct value = toStruct(node, schema);
            if (keyField == null) {
                out.set(null, null, schema, value);
            } else {
                Field f = schema.field(keyField);
                if (f == null) {
                    throw new IllegalArgumentException("no key field '" + keyField + "'");
                }
                out.set(f.schema(), value.get(f), schema, value);
            }
        } else {
            Object value = plain(node);
            out.set(null, keyField == null ? null : plain(node.get(keyField)), null, value);
        }
        return true;
    }

    /**
     * The line's bytes are checked first (Jackson decodes UTF-8 itself and lets some invalid sequences through, such
     * as overlong ones): a line that is not UTF-8 is reported as such, as in the other formats, or with
     * encoding.errors=replace read from its text with U+FFFD.
     */
    private JsonNode read(byte[] buf, int off, int len, ParsedLine out) {
        int invalid = Utf8Text.firstInvalid(buf, off, len);
        try {
            if (invalid < 0) {
                return MAPPER.readTree(buf, off, len);
            }
            if (!replaceInvalid) {
                throw new Utf8Text.InvalidUtf8Exception(invalid, buf[off + invalid]);
            }
            return MAPPER.readTree(Utf8Text.decode(buf, off, len, true, out));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable JSON: " + e.getMessage());
        }
    }

    private static Struct toStruct(JsonNode node, Schema schema) {
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
            JsonNode child = node.get(field.name());
            struct.put(field, typed(child, field.schema(), field.name()));
        }
        return struct;
    }

    private static Object typed(JsonNode node, Schema schema, String name) {
        if (node == null || node.isNull()) {
            if (!schema.isOptional()) {
                throw new IllegalArgumentException("field '" + name + "' is required but missing");
            }
            return null;
        }
        return switch (schema.type()) {
            case STRING -> node.isTextual() ? node.textValue() : node.toString();
            case INT8 -> (byte) requireNumber(node, name).intValue();
            case INT16 -> (short) requireNumber(node, name).intValue();
            case INT32 -> requireNumber(node, name).intValue();
            case INT64 -> requireNumber(node, name).longValue();
            case FLOAT32 -> (float) requireNumber(node, name).doubleValue();
            case FLOAT64 -> requireNumber(node, name).doubleValue();
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new IllegalArgumentException("field '" + name + "': " + node + " is not a boolean");
                }
                yield node.booleanValue();
            }
            case STRUCT -> toStruct(node, schema);
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonNode element : node) {
                    list.add(typed(element, schema.valueSchema(), name));
                }
                yield list;
            }
            default -> throw new IllegalArgumentException("unsupported type " + schema.type());
        };
    }

    private static JsonNode requireNumber(JsonNode node, String name) {
        if (node.isNumber()) {
            return node;
        }
        if (node.isTextual()) {
            try {
                return MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal(node.textValue().trim()));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("field '" + name + "': " + node + " is not a number");
    }

    /** An optional struct schema whose fields follow the object's value types. */
    static Schema inferStruct(JsonNode object) {
        SchemaBuilder builder = SchemaBuilder.struct().optional();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            builder.field(e.getKey(), infer(e.getValue()));
        }
        return builder.build();
    }

    private static Schema infer(JsonNode node) {
        if (node.isObject()) {
            return inferStruct(node);
        }
        if (node.isArray()) {
            Schema element = node.isEmpty() ? Schema.OPTIONAL_STRING_SCHEMA : infer(node.get(0));
            return SchemaBuilder.array(element).optional().build();
        }
        if (node.isBoolean()) {
            return Schema.OPTIONAL_BOOLEAN_SCHEMA;
        }
        if (node.isIntegralNumber()) {
            return Schema.OPTIONAL_INT64_SCHEMA;
        }
        if (node.isNumber()) {
            return Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        return Schema.OPTIONAL_STRING_SCHEMA;
    }

    /** The schemaless form: maps, lists, strings, longs, doubles, booleans, nulls. */
    private static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(plain(element)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }
}
