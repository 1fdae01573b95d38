package io.sluice.runtime.converters;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/** A Connect schema resolved once for the streaming JSON paths, so per-record work skips name lookups. */
final class SchemaPlan {
    static final int NOT_LOGICAL = 0;
    static final int DECIMAL = 1;
    static final int DATE = 2;
    static final int TIME = 3;
    static final int TIMESTAMP = 4;

    final Schema schema;
    final Schema.Type type;
    /** Apache picks its logical converter by schema name before looking at the type, for any type. */
    final int logical;
    final SchemaPlan key;
    final SchemaPlan value;
    /** Apache writes a map as a JSON object only when its key schema is STRING, else as [key, value] pairs. */
    final boolean stringKeys;
    final Field[] fields;
    final SchemaPlan[] fieldPlans;
    final SerializedString[] names;
    /**
     * Names a pre-quoted SerializedString writes exactly as Apache's writeFieldName(String) does: the two
     * escape surrogate pairs differently, so only printable ASCII without quote or backslash qualifies.
     */
    final boolean[] plainNames;
    final Map<String, Integer> index;
    /** A struct of integer, double, boolean and string fields with plain names: {@link FlatPayloadReader} reads it. */
    final boolean flat;
    /** The field names' bytes (plain ASCII), for {@link FlatPayloadReader}; null unless flat. */
    final byte[][] asciiNames;
    /** A struct of scalars' last values and their JSON, for a block shared by many records; else null. */
    final RepeatedValues<SerializedString> repeated;

    SchemaPlan(Schema schema) {
        this.schema = schema;
        this.type = schema.type();
        this.logical = logical(schema.name());
        this.key = type == Schema.Type.MAP ? new SchemaPlan(schema.keySchema()) : null;
        this.value = type == Schema.Type.MAP || type == Schema.Type.ARRAY ? new SchemaPlan(schema.valueSchema()) : null;
        this.stringKeys = key != null && key.type == Schema.Type.STRING;
        if (type == Schema.Type.STRUCT) {
            List<Field> list = schema.fields();
            fields = list.toArray(new Field[0]);
            fieldPlans = new SchemaPlan[fields.length];
            names = new SerializedString[fields.length];
            plainNames = new boolean[fields.length];
            index = new HashMap<>();
            for (int i = 0; i < fields.length; i++) {
                fieldPlans[i] = new SchemaPlan(fields[i].schema());
                names[i] = new SerializedString(fields[i].name());
                plainNames[i] = fields[i].name().chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
                index.put(fields[i].name(), i);
            }
            boolean allFlat = true;
            for (int i = 0; i < fields.length; i++) {
                SchemaPlan f = fieldPlans[i];
                allFlat &= plainNames[i] && f.logical == NOT_LOGICAL && switch (f.type) {
                    case INT8, INT16, INT32, INT64, FLOAT64, BOOLEAN, STRING -> true;
                    default -> false;
                };
            }
            flat = allFlat;
            asciiNames = allFlat ? new byte[fields.length][] : null;
            for (int i = 0; allFlat && i < fields.length; i++) {
                asciiNames[i] = fields[i].name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            repeated = RepeatedValues.of(schema, fields, SchemaPlan::withoutDefault);
        } else {
            fields = null;
            fieldPlans = null;
            names = null;
            plainNames = null;
            index = null;
            flat = false;
            asciiNames = null;
            repeated = null;
        }
    }

    /**
     * What Apache reads, getWithoutDefault(name), by index rather than by a lookup of the name per field (15% of a
     * CDC snapshot's task thread in a JFR profile): get(field) gives the stored value unless that is null and the
     * field has a default; only a value that is the default object itself needs the lookup to tell the two apart.
     */
    static Object withoutDefault(Struct struct, Field field) {
        Object value = struct.get(field);
        Object fallback = field.schema().defaultValue();
        return fallback == null || value != fallback ? value : struct.getWithoutDefault(field.name());
    }

    /**
     * What Apache substitutes for a null: the default when replacing nulls, else null when optional.
     * A required field without a default is Apache's error to raise, so the fast path declines it.
     */
    Object forNull(boolean replaceNullWithDefault) {
        Object defaultValue = schema.defaultValue();
        if (defaultValue != null && replaceNullWithDefault) {
            return defaultValue;
        }
        if (schema.isOptional()) {
            return null;
        }
        throw Declined.INSTANCE;
    }

    private static int logical(String name) {
        if (name == null) {
            return NOT_LOGICAL;
        }
        return switch (name) {
            case Decimal.LOGICAL_NAME -> DECIMAL;
            case Date.LOGICAL_NAME -> DATE;
            case Time.LOGICAL_NAME -> TIME;
            case Timestamp.LOGICAL_NAME -> TIMESTAMP;
            default -> NOT_LOGICAL;
        };
    }

    /** Thrown without a stack trace when a fast path declines; the converter then defers to Apache. */
    static final class Declined extends RuntimeException {
        static final Declined INSTANCE = new Declined();

        private Declined() {
            super("streaming JSON fast path declined", null, false, false);
        }
    }
}
