package io.sluice.file.source;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * A declared struct schema written as {@code name:type} pairs ({@code id:int64,name:string?}), and the
 * conversion of a column's text to its declared type.
 */
final class SchemaSpec {

    private SchemaSpec() {
    }

    /** Parses a declared schema; throws IllegalArgumentException saying which pair is wrong. */
    static Schema parse(String spec) {
        SchemaBuilder struct = SchemaBuilder.struct();
        for (String pair : spec.split(",")) {
            String trimmed = pair.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("'" + trimmed + "' is not name:type");
            }
            String name = trimmed.substring(0, colon).trim();
            String type = trimmed.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            boolean optional = type.endsWith("?");
            if (optional) {
                type = type.substring(0, type.length() - 1);
            }
            SchemaBuilder field = switch (type) {
                case "string" -> SchemaBuilder.string();
                case "int8" -> SchemaBuilder.int8();
                case "int16" -> SchemaBuilder.int16();
                case "int32" -> SchemaBuilder.int32();
                case "int64" -> SchemaBuilder.int64();
                case "float32" -> SchemaBuilder.float32();
                case "float64" -> SchemaBuilder.float64();
                case "boolean" -> SchemaBuilder.bool();
                default -> throw new IllegalArgumentException("unknown type '" + type + "' in '" + trimmed + "'");
            };
            struct.field(name, optional ? field.optional().build() : field.build());
        }
        return struct.build();
    }

    /** Converts text to the field's type; null or empty text is null (allowed only for optional fields). */
    static Object convert(Field field, String text) {
        Schema schema = field.schema();
        if (text == null || (text.isEmpty() && schema.type() != Schema.Type.STRING)) {
            if (!schema.isOptional()) {
                throw new IllegalArgumentException("field '" + field.name() + "' is required but empty");
            }
            return null;
        }
        try {
            return switch (schema.type()) {
                case STRING -> text;
                case INT8 -> Byte.parseByte(text.trim());
                case INT16 -> Short.parseShort(text.trim());
                case INT32 -> Integer.parseInt(text.trim());
                case INT64 -> Long.parseLong(text.trim());
                case FLOAT32 -> Float.parseFloat(text.trim());
                case FLOAT64 -> Double.parseDouble(text.trim());
                case BOOLEAN -> parseBoolean(text.trim());
                default -> throw new IllegalArgumentException("unsupported type " + schema.type());
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + field.name() + "': '" + text + "' is not a "
                    + schema.type().getName());
        }
    }

    private static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new NumberFormatException(text);
    }

    /** Validates value.schema in the ConfigDef, so REST validation reports a bad schema on its key. */
    static final class Validator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String spec = (String) value;
            if (spec == null || spec.isBlank()) {
                return;
            }
            try {
                parse(spec);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }
    }
}
